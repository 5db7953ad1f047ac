"""Departments: where each person works, read from Slack as DEPARTMENT_SOURCE says, kept in
`people` and copied onto each idea and vote when it happens."""
