"""Reports: data gathered by query functions, then written as JSON, CSV, XLSX (and PDF later)."""
