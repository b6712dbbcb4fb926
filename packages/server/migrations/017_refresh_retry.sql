-- A client that lost the answer to a refresh may retry it within REFRESH_RETRY_WINDOW and get
-- the same successor instead of a family revocation (RFC 9700 §4.14; functions/05-oauth-grants.sql).
-- oauth_rotate_refresh takes the window and says whether the call was such a retry: its
-- signature and result changed, so the older ones go (the new text is in functions/): the
-- one before resource indicators (014), and the one 014 made.
DROP FUNCTION IF EXISTS
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer, text,
                       text, timestamptz),
  oauth_rotate_refresh(text, text, boolean, text, integer[], text, text, text, integer, text,
                       text, timestamptz, text);
