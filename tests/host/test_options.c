/* hv/options.c: boot option parsing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include <hv/options.h>

static void test_keys_and_values(void **state)
{
	options_parse("  a=1 flag  b=x=y ");
	assert_string_equal(options_get("a"), "1");
	assert_string_equal(options_get("flag"), "");
	assert_string_equal(options_get("b"), "x=y");
	assert_null(options_get("c"));
	assert_true(options_is("a", "1"));
	assert_false(options_is("a", "2"));
	assert_string_equal(options_string(), "a=1 flag  b=x=y");
}

static void test_later_words_win(void **state)
{
	options_parse("k=1 k=2");
	assert_string_equal(options_get("k"), "2");
}

static void test_empty_and_null(void **state)
{
	options_parse(NULL);
	assert_null(options_get("a"));
	options_parse("");
	assert_string_equal(options_string(), "");
}

static void test_overlong_is_truncated_not_overflowed(void **state)
{
	char big[1000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	big[0] = 'k';
	big[1] = '=';
	options_parse(big);
	assert_non_null(options_get("k"));
	assert_true(strlen(options_get("k")) < 256);
}

static void test_too_many_words(void **state)
{
	/* 40 words: the table keeps the first ones and never overflows */
	options_parse("a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 b0 b1 b2 b3 b4 b5 b6 b7 b8 b9 "
		      "c0 c1 c2 c3 c4 c5 c6 c7 c8 c9 d0 d1 d2 d3 d4 d5 d6 d7 d8 d9");
	assert_non_null(options_get("a0"));
	assert_null(options_get("d9"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_and_values),
		cmocka_unit_test(test_later_words_win),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_overlong_is_truncated_not_overflowed),
		cmocka_unit_test(test_too_many_words),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
