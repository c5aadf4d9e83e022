"""Subsidy applications: the state machine, the services that move an application, its pages."""
