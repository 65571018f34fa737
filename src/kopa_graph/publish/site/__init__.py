"""The static linked-data site: pages, pictures, labels, and the whole site's build."""
