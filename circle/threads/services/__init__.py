"""Services for threads, split by concept: threads, posts, moderation, following, notifications,
digests. Plain functions taking the session and the acting member; they flush, never commit."""
