"""What the PostgreSQL drivers (asyncpg, psycopg) share: the dialect."""
