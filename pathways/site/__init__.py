"""The site as a whole: building (staged, atomic), the preview server, checking a build,
deploying it, and the `pathways build | serve | new | check | publish` commands."""
