"""Pages of the transfers app (広域調整): sending a case to another center, and receiving one; urls.py names them."""
