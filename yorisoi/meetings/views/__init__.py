"""Pages of the meetings app: meetings and minutes, concerns and the weekly review, the morning board."""
