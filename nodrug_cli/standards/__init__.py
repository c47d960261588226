"""Standards (创建标准 / 考核细则): YAML data files, the model that validates them, the scoring engine."""
