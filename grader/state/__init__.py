"""Adapters that read mock-AWS state into the plain data of ``grader.sim``."""
