# Proves each tool works the way the tests will call it, after the packages are installed.
# Sourced, not run (after lib/setup.sh, which provides log).
#
# Why: a package being installed says nothing about the program a test finds. Machines differ —
# a pyenv `python3` first on PATH does not see Debian's python3-pytest, a Docker Desktop socket
# answers where /var/run/docker.sock does not, an older git sits before a newer one — and a test
# that silently depends on whatever is first on PATH fails on the next fresh machine. So each
# check here calls the tool as the tests do and, where the tests need to be told which program
# was verified, exports it (one place decides; the tests read these variables):
#
#   RELEASE_PILOT_PYTHON   the interpreter whose `-m pytest` works (the pytest report test)
#   CHROMIUM               the Chromium that starts headless (the Playwright suite)
#
# On failure each check says which program was found where, what it answered, and what to do.

# Print "PATH (version line)" for a program, or "not found".
# A TCP port on 127.0.0.1 nothing listens on right now.
free_loopback_port() {
  "${RELEASE_PILOT_PYTHON:-/usr/bin/python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

describe_program() {
  local path
  if path="$(command -v "$1" 2>/dev/null)"; then
    printf '%s (%s)' "$path" "$("$path" --version 2>&1 | head -n 1)"
  else
    printf 'not found'
  fi
}

# The Python interpreter the tests run pytest with: $RELEASE_PILOT_PYTHON when set (then it
# must work: a choice the user made is not overridden), else the first of `python3` on PATH and
# Debian's /usr/bin/python3 whose `-m pytest --version` succeeds.
verify_python_pytest() {
  local candidates=() c seen=""
  if [ -n "${RELEASE_PILOT_PYTHON:-}" ]; then
    candidates=("$RELEASE_PILOT_PYTHON")
  else
    c="$(command -v python3 2>/dev/null || true)"
    [ -n "$c" ] && candidates+=("$c")
    [ -x /usr/bin/python3 ] && candidates+=(/usr/bin/python3)
  fi
  for c in "${candidates[@]}"; do
    if "$c" -m pytest --version >/dev/null 2>&1; then
      export RELEASE_PILOT_PYTHON="$c"
      log "pytest: $c -m pytest works ($("$c" -m pytest --version 2>&1 | head -n 1))"
      return 0
    fi
    # `|| true`: under `set -e -o pipefail` a failing substitution would end the script here.
    seen+="       $c ($("$c" --version 2>&1 | head -n 1 || true)): $("$c" -m pytest --version 2>&1 | tail -n 1 || true)"$'\n'
  done
  echo "error: no Python interpreter here runs pytest as the tests call it (PYTHON -m pytest --version)." >&2
  [ -n "$seen" ] && printf '       Tried:\n%s' "$seen" >&2
  if [ -n "${RELEASE_PILOT_PYTHON:-}" ]; then
    echo "       RELEASE_PILOT_PYTHON=$RELEASE_PILOT_PYTHON was given: install pytest for it ($RELEASE_PILOT_PYTHON -m pip install pytest), or unset it." >&2
  else
    echo "       Debian's python3-pytest is installed for /usr/bin/python3; if that is missing, apt-get install python3 python3-pytest," >&2
    echo "       or point RELEASE_PILOT_PYTHON at an interpreter that has pytest." >&2
  fi
  return 1
}

# The Chromium the Playwright suite launches: it must start headless and render a page.
verify_chromium() {
  local chromium="${CHROMIUM:-/usr/bin/chromium}" out profile
  if [ ! -x "$chromium" ]; then
    echo "error: Chromium is not at $chromium (found on PATH: $(describe_program chromium))." >&2
    echo "       apt-get install chromium, or set CHROMIUM to the browser's path." >&2
    return 1
  fi
  # The flags the closed network here needs (no background connections), as root no sandbox.
  profile="$(mktemp -d)"
  out="$(timeout 60 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --dump-dom 'data:text/html,<p>release-pilot</p>' 2>/dev/null || true)"
  rm -rf "$profile"
  if [[ "$out" != *"<p>release-pilot</p>"* ]]; then
    echo "error: $chromium ($("$chromium" --version 2>/dev/null | head -n 1)) did not render a page headless." >&2
    echo "       Try: $chromium --headless --no-sandbox --dump-dom about:blank  to see why." >&2
    return 1
  fi
  export CHROMIUM="$chromium"
  log "Chromium: $chromium renders headless ($("$chromium" --version 2>/dev/null | head -n 1))"
}

# ssh-keygen and ssh-agent as the signing tests call them: make a key, sign, verify (-Y needs
# OpenSSH 8.1 or newer), start an agent.
verify_openssh() {
  local dir ok=1
  dir="$(mktemp -d)"
  if ! ssh-keygen -q -t ed25519 -N '' -C check -f "$dir/key" >/dev/null 2>&1; then ok=0
  else
    printf 'release-pilot\n' >"$dir/msg"
    printf 'check %s\n' "$(cut -d' ' -f1,2 "$dir/key.pub")" >"$dir/allowed"
    ssh-keygen -Y sign -n release-pilot -f "$dir/key" "$dir/msg" >/dev/null 2>&1 &&
      ssh-keygen -Y verify -n release-pilot -f "$dir/allowed" -I check -s "$dir/msg.sig" \
        <"$dir/msg" >/dev/null 2>&1 || ok=0
  fi
  if [ "$ok" = 1 ] && ! (eval "$(ssh-agent -s -a "$dir/agent.sock")" >/dev/null && kill "$SSH_AGENT_PID"); then ok=0; fi
  rm -rf "$dir"
  if [ "$ok" != 1 ]; then
    echo "error: ssh-keygen cannot sign and verify (ssh-keygen -Y, OpenSSH 8.1 or newer), or ssh-agent does not start." >&2
    echo "       Found: ssh-keygen $(describe_program ssh-keygen | cut -d' ' -f1), ssh-agent $(describe_program ssh-agent | cut -d' ' -f1)." >&2
    echo "       apt-get install openssh-client, and make sure no older ssh-keygen comes first on PATH." >&2
    return 1
  fi
  log "OpenSSH: $(command -v ssh-keygen) signs and verifies (-Y), ssh-agent starts"
}

# git as the repository tests call it (they compare the engine's answers with git's).
verify_git() {
  if ! git --version >/dev/null 2>&1; then
    echo "error: git does not run (found: $(describe_program git)); apt-get install git." >&2
    return 1
  fi
  log "git: $(describe_program git)"
}

# tauri-driver and the WebKitWebDriver it starts, as the end-to-end tests call them.
verify_webdriver() {
  if ! tauri-driver --help >/dev/null 2>&1; then
    echo "error: tauri-driver does not run (found: $(describe_program tauri-driver)); cargo install tauri-driver --locked." >&2
    return 1
  fi
  # WebKitWebDriver has no --version (it prints its usage and exits 1), so it
  # is proven the way tauri-driver uses it: started on a loopback port, it
  # must answer the WebDriver status endpoint.
  local driver port pid status="" i
  if ! driver="$(command -v WebKitWebDriver)"; then
    echo "error: WebKitWebDriver is not on PATH; apt-get install webkit2gtk-driver." >&2
    return 1
  fi
  port="$(free_loopback_port)"
  "$driver" --port="$port" --host=local >/dev/null 2>&1 &
  pid=$!
  for i in $(seq 1 50); do
    if status="$(curl -fsS "http://127.0.0.1:$port/status" 2>/dev/null)"; then
      break
    fi
    sleep 0.1
  done
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [[ "$status" != *ready* ]]; then
    echo "error: $driver started on 127.0.0.1:$port but did not answer GET /status within 5 s; apt-get install --reinstall webkit2gtk-driver." >&2
    return 1
  fi
  log "WebDriver: $(command -v tauri-driver), $driver answers /status"
}

# The Docker engine as the tests reach it: the client talks to the daemon it will use.
verify_docker() {
  local server
  if ! server="$(docker version --format '{{.Server.Version}} (API {{.Server.APIVersion}})' 2>&1)"; then
    echo "error: the docker client ($(describe_program docker)) cannot talk to the engine at ${DOCKER_HOST:-unix://$DOCKER_SOCKET}:" >&2
    echo "       $server" >&2
    echo "       Start the engine (dockerd), or point DOCKER_HOST at the one the tests should use." >&2
    return 1
  fi
  log "Docker: engine $server at ${DOCKER_HOST:-unix://$DOCKER_SOCKET}"
}
