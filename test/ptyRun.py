#!/usr/bin/env python3
"""Run a command on a real pseudo-terminal, as a person at a terminal would.

usage: ptyRun.py ACTION DEADLINE_S -- COMMAND...
ACTION: ctrl-c  type ^C (the terminal sends SIGINT to the foreground process group)
        sigterm kill the process with SIGTERM
        none    just wait for the command to end
The action happens once the terminal shows the progress bar hiding the cursor (ESC[?25l).
Prints one JSON line: {"exit": code or null, "signal": number or null, "acted": bool,
"output": base64 of every byte the command wrote to the terminal}.
DEADLINE_S only ends a command that never finishes; the caller's test asserts on the output.
"""
import base64, json, os, pty, select, signal, sys, time

action, deadline = sys.argv[1], float(sys.argv[2])
cmd = sys.argv[sys.argv.index('--') + 1:]
HIDE = b'\x1b[?25l'

pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)

out = b''
acted = False
end = time.monotonic() + deadline
while True:
    if time.monotonic() > end:
        os.kill(pid, signal.SIGKILL)
        end = float('inf')
    r, _, _ = select.select([fd], [], [], 0.2)
    if not r:
        continue
    try:
        chunk = os.read(fd, 65536)
    except OSError:  # EIO: the child closed the terminal
        break
    if not chunk:
        break
    out += chunk
    if not acted and action != 'none' and HIDE in out:
        acted = True
        if action == 'ctrl-c':
            os.write(fd, b'\x03')
        elif action == 'sigterm':
            os.kill(pid, signal.SIGTERM)

_, status = os.waitpid(pid, 0)
print(json.dumps({
    'exit': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
    'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
    'acted': acted,
    'output': base64.b64encode(out).decode(),
}))
