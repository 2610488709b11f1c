"""Follow by e-mail: readers subscribe on the site (double opt-in), and each new post reaches
every confirmed subscriber once, through the writer's own mail provider."""
