"""AWS emulation for the local runtime: moto's server, and the resources of the topology."""
