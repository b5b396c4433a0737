"""Drives the interactive `jupyter console` under a pseudo-terminal (it hangs on piped stdin) and checks what it
shows. The full prompt_toolkit interface is used, since only it asks the kernel `is_complete` on Enter."""
import sys
import time

import pexpect

kernel = sys.argv[1]
console = pexpect.spawn(
    "jupyter",
    ["console", "--kernel", kernel, "--ZMQTerminalInteractiveShell.confirm_exit=False"],
    encoding="utf-8",
    timeout=60,
    dimensions=(50, 200),
    env={**__import__("os").environ, "TERM": "dumb", "PROMPT_TOOLKIT_NO_CPR": "1"},
)
console.logfile_read = sys.stdout


def prompt(n):
    console.expect(r"In \[%d\]" % n)


def type_line(text):
    console.send(text)
    time.sleep(0.2)  # prompt_toolkit reads keys in batches; Enter must arrive as its own key
    console.send("\r")


prompt(1)
type_line("PRINT 'hello from console';")
console.expect("hello from console")
prompt(2)
# A procedure typed line by line: Enter must insert a new line (the kernel says incomplete) until END PROCEDURE.
for line in ["CREATE PROCEDURE greet(who STRING)", "BEGIN", "PRINT 'hi ' || who;", "END PROCEDURE;"]:
    type_line(line)
    time.sleep(0.3)
prompt(3)
type_line("CALL greet('console');")
console.expect("hi console")
prompt(4)
type_line("PRINT 1 +;")
console.expect("syntax_error|line 1:")
prompt(5)
type_line("exit")  # the console leaves and shuts the kernel down
console.expect(pexpect.EOF)
print("\nconsole ok")
