"""What every feature shares: ids, time, errors, paging, access and the calendar."""
