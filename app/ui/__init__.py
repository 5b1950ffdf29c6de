"""The Qt window: main window, one module per tab, dialogs, table models and widgets."""
