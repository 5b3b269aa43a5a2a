-- Disabling an account now deletes its login links, so enabling it again cannot revive them.
-- Links that disabled accounts already hold go the same way.

DELETE FROM login_links WHERE user_id IN (SELECT id FROM users WHERE disabled = 1);
