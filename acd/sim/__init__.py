"""The routing core on a virtual clock: try a policy on a simulated day before it goes live."""
