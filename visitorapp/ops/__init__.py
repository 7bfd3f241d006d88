"""Operations: the health check load balancers poll, and the online database backup."""
