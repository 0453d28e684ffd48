"""The dotflow domain: actions, tasks, contexts, workflows and their execution."""
