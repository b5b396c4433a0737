"""jupyter_kernel_test against the installed escript kernelspec (run by test/kernel/jupyter-clients.test.ts)."""
import os
import unittest

import jupyter_kernel_test


class EScriptKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = os.environ.get("ESCRIPT_TEST_KERNEL", "escript")
    language_name = "elastic-script"
    file_extension = ".escript"

    code_hello_world = "PRINT 'hello, world';"
    code_stderr = "PRINT ERROR 'something went wrong';"

    completion_samples = [
        {"text": "UPP", "matches": {"UPPER"}},
        {"text": "DECLARE my_count NUMBER = 1; PRINT my_c", "matches": {"my_count"}},
    ]

    complete_code_samples = [
        "PRINT 1;",
        "CREATE PROCEDURE greet(name STRING)\nBEGIN\n  PRINT 'hi ' || name;\nEND PROCEDURE;",
    ]
    incomplete_code_samples = [
        "CREATE PROCEDURE greet(name STRING)\nBEGIN",
        "IF x > 1 THEN\n  PRINT x;",
        "PRINT 'unterminated",
    ]
    invalid_code_samples = ["PRINT 1 +* ) ;", "END IF;"]

    code_generate_error = "THROW 'boom';"

    code_execute_result = [
        {"code": "40 + 2;", "result": "42"},
        {"code": "'elastic' || '-' || 'script';", "result": "elastic-script"},
        {"code": "[1, 2, 3];", "result": "[1,2,3]"},
    ]
    code_display_data = [
        {"code": "DISPLAY {\"service\": \"api\", \"count\": 3};", "mime": "application/json"},
        {"code": "DISPLAY [{\"a\": 1}, {\"a\": 2}];", "mime": "text/html"},
    ]

    code_history_pattern = "40 + 2*"
    supported_history_operations = ("tail", "range", "search")

    code_page_something = "UPPER?"
    code_inspect_sample = "UPPER"
    code_clear_output = "CLEAR_OUTPUT();"


if __name__ == "__main__":
    unittest.main()
