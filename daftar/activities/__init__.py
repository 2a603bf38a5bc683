"""Activities: the only code that touches the database, notifications and files."""
