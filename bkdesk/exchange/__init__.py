"""Files that leave the machine: submissions, setups, Excel templates, imported tables and merge planning."""
