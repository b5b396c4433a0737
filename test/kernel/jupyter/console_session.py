"""Drives `jupyter console` under a pseudo-terminal (it hangs on piped stdin) and checks what it shows."""
import sys

import pexpect

kernel = sys.argv[1]
console = pexpect.spawn(
    "jupyter", ["console", "--kernel", kernel, "--simple-prompt"], encoding="utf-8", timeout=60
)
console.logfile_read = sys.stdout


def prompt():
    console.expect(r"In \[\d+\]: ")


prompt()
console.sendline("PRINT 'hello from console';")
console.expect("hello from console")
prompt()
# A procedure typed line by line: the console must ask for more until END PROCEDURE.
for line in ["CREATE PROCEDURE greet(who STRING)", "BEGIN", "  PRINT 'hi ' || who;", "END PROCEDURE;"]:
    console.sendline(line)
prompt()
console.sendline("CALL greet('console');")
console.expect("hi console")
prompt()
console.sendline("PRINT 1 +;")
console.expect("syntax_error")
prompt()
console.sendline("exit")
console.expect(pexpect.EOF)
print("\nconsole ok")
