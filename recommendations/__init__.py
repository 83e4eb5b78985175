"""What the storefront learns from the warehouse: bought together, recommended for you, trending now."""
