#!/usr/bin/env bash
# The README walkthrough, runnable: CLI + curl only. Expects a server started with `npm start`
# (ISSUER defaults to http://localhost:8787) using the same AUTH_AGENT_DATA_DIR or DATABASE_URL.
set -euo pipefail
ISSUER=${ISSUER:-http://localhost:8787}
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s)[process.argv[1]]))' "$1"; }

# 1. The administrator first, when there is none (the one-time setup link `serve` printed stops
#    working once any account exists); its generated password is printed once. Then an owner,
#    a website (client) and an agent (--label: its name in the console).
ADMINS=$(npx auth-agent user list --json | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).filter(u=>u.role==="admin").length))')
if [ "$ADMINS" = 0 ]; then npx auth-agent user create --email "admin-$RANDOM$RANDOM@example.com" --admin; fi
EMAIL="owner-$RANDOM$RANDOM@example.com"
npx auth-agent user create --email "$EMAIL" > /dev/null
CLIENT=$(npx auth-agent client create --owner "$EMAIL" --name "My Website" --redirect-uri http://localhost:3000/callback)
CLIENT_ID=$(echo "$CLIENT" | json client_id); CLIENT_SECRET=$(echo "$CLIENT" | json client_secret)
AGENT=$(npx auth-agent agent create --owner "$EMAIL" --email "$EMAIL" --label "Research Bot")
AGENT_ID=$(echo "$AGENT" | json agent_id); AGENT_SECRET=$(echo "$AGENT" | json agent_secret)

# 2. The website makes a PKCE pair (RFC 7636) and a state.
VERIFIER=$(openssl rand -base64 48 | tr '+/' '-_' | tr -d '=\n')
CHALLENGE=$(printf %s "$VERIFIER" | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | tr -d '=\n')
STATE=$(openssl rand -hex 16)

# 3. The agent's browser opens /authorize; the page carries the request id.
curl -s -c jar.txt -o signin.html --get "$ISSUER/authorize" \
  --data-urlencode response_type=code --data-urlencode "client_id=$CLIENT_ID" \
  --data-urlencode redirect_uri=http://localhost:3000/callback --data-urlencode "state=$STATE" \
  --data-urlencode "code_challenge=$CHALLENGE" --data-urlencode code_challenge_method=S256
REQUEST_ID=$(sed -n 's/.*name="auth-agent-request-id" content="\([^"]*\)".*/\1/p' signin.html)

# 4. The agent signs in over the back channel.
curl -s "$ISSUER/api/agent/authenticate" -H 'content-type: application/json' \
  -d "{\"request_id\":\"$REQUEST_ID\",\"agent_id\":\"$AGENT_ID\",\"agent_secret\":\"$AGENT_SECRET\",\"model\":\"gpt-5\"}"; echo

# 5. The browser (same cookie jar) learns where to go: the redirect carries code, state and iss.
STATUS=$(curl -s -b jar.txt "$ISSUER/api/check-status?request_id=$REQUEST_ID")
echo "$STATUS" | json redirect_to
CODE=$(echo "$STATUS" | json code)

# 6. The website exchanges the code (form-encoded, HTTP Basic client authentication).
TOKENS=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" "$ISSUER/token" -d grant_type=authorization_code \
  --data-urlencode "code=$CODE" --data-urlencode redirect_uri=http://localhost:3000/callback \
  --data-urlencode "code_verifier=$VERIFIER")
ACCESS=$(echo "$TOKENS" | json access_token); REFRESH=$(echo "$TOKENS" | json refresh_token)

# 7. Refresh (the refresh token rotates), userinfo, introspection, revocation.
TOKENS=$(curl -s -u "$CLIENT_ID:$CLIENT_SECRET" "$ISSUER/token" -d grant_type=refresh_token --data-urlencode "refresh_token=$REFRESH")
ACCESS=$(echo "$TOKENS" | json access_token); REFRESH=$(echo "$TOKENS" | json refresh_token)
curl -s "$ISSUER/userinfo" -H "Authorization: Bearer $ACCESS"; echo
curl -s -u "$CLIENT_ID:$CLIENT_SECRET" "$ISSUER/introspect" --data-urlencode "token=$ACCESS"; echo
curl -s -o /dev/null -w 'revoke: %{http_code}\n' -u "$CLIENT_ID:$CLIENT_SECRET" "$ISSUER/revoke" --data-urlencode "token=$REFRESH"
curl -s -u "$CLIENT_ID:$CLIENT_SECRET" "$ISSUER/introspect" --data-urlencode "token=$ACCESS"; echo
rm -f jar.txt signin.html
