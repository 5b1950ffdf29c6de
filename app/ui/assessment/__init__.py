"""The pages of the 考核 tab: 村级考核, 指标模板 and 干部考核."""
