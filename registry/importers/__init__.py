"""Reading the city's files into the registry: one module per format, all or nothing."""
