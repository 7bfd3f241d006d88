"""WSGI entry point: `gunicorn -c gunicorn.conf.py wsgi:app`, `flask --app wsgi run`."""
from visitorapp import create_app

app = create_app()
