"""All writes go through these keyword-only services (views, tasks and commands stay thin)."""
