"""Counter-narrative campaign planner: the domain, services and CLI. Never imports streamlit."""
