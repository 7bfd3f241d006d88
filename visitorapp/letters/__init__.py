"""家长告知书: the one-page letter a teacher prints for parents, from a template per edition."""
