"""Singer tap for BigCommerce."""
