"""Developer tools run from a checkout; never installed, never imported by the tap."""
