"""The week's programme: editions (年度活动周), theme days, departments, venues, events and slots."""
