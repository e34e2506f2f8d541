"""AWS Hands-On grader: sandbox, checks, simulators and nbgrader tooling."""
