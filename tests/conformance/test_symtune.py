"""Jupyter conformance: Debian's jupyter_kernel_test (0.4.5) against the installed symtune kernel.

All 12 areas are filled in; a skipped area counts as a failure (see run.sh / __main__).
Run through tests/conformance/run.sh, which installs the kernelspec into a temp prefix.
"""
import sys
import unittest

import jupyter_kernel_test


class SymtuneKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "symtune"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("something went wrong")'

    completion_samples = [
        {"text": "Math.ma", "matches": {"max"}},
        {"text": "console.lo", "matches": {"log"}},
        {"text": "%lsm", "matches": {"%lsmagic"}},
    ]

    complete_code_samples = ["1 + 1", "const answer = 42;", "function f() { return 1; }", "%lsmagic"]
    incomplete_code_samples = ["function f() {", "const xs = [1, 2,", "if (true) {"]
    invalid_code_samples = ["const = 3;", "1 +* 2", "let x = )"]

    code_generate_error = 'throw new Error("boom")'

    code_execute_result = [
        {"code": "40 + 2", "result": "42"},
        {"code": "'sym' + 'tune'", "result": "'symtune'"},
        {"code": "[1, 2, 3].map((x) => x * 2)", "mime": "text/plain"},
    ]

    code_display_data = [
        {"code": 'display.html("<b>bold</b>")', "mime": "text/html"},
        {"code": 'display.markdown("# Title")', "mime": "text/markdown"},
        {"code": 'display.svg("<svg xmlns=\'http://www.w3.org/2000/svg\' width=\'4\' height=\'4\'></svg>")', "mime": "image/svg+xml"},
    ]

    code_history_pattern = "40 + ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"
    code_page_something = "Math.max?"

    code_clear_output = 'import { clearOutput } from "symtune"; clearOutput()'


AREAS = [
    "test_kernel_info", "test_execute_stdout", "test_execute_stderr", "test_completion",
    "test_is_complete", "test_error", "test_execute_result", "test_display_data",
    "test_inspect", "test_history", "test_pager", "test_clear_output",
]


class _Result(unittest.TextTestResult):
    """Records subtests that pass too, so a skipped subtest (e.g. a history mode) is visible."""


if __name__ == "__main__":
    suite = unittest.TestSuite(SymtuneKernelTests(name) for name in AREAS)
    result = unittest.TextTestRunner(verbosity=2, resultclass=_Result).run(suite)
    passed = result.testsRun - len(result.failures) - len(result.errors) - len(result.skipped)
    print(f"\nsymtune conformance: {passed} of {len(AREAS)} areas passed"
          f" ({len(result.skipped)} skipped, {len(result.failures) + len(result.errors)} failed)")
    sys.exit(0 if passed == len(AREAS) and not result.skipped else 1)
