"""TokenMemo: a bounded memo of per-token work, dropped when its inputs change."""

from __future__ import annotations

from myna.nlu.featurizers.token_memo import TOKEN_MEMO_SIZE, TokenMemo


def _tagged(prefix: str, text: str) -> str:
    return prefix + text


def test_memoised_function_equals_the_computation() -> None:
    memo = TokenMemo(_tagged)
    tagged = memo.function("x:")
    assert [tagged(word) for word in ("a", "b", "a")] == ["x:a", "x:b", "x:a"]


def test_each_text_is_computed_once() -> None:
    calls: list[str] = []

    def compute(text: str) -> int:
        calls.append(text)
        return len(text)

    memo = TokenMemo(compute)
    for word in ["hi", "there", "hi", "hi"]:
        memo.function()(word)
    assert calls == ["hi", "there"]


def test_the_memo_is_bounded() -> None:
    memo = TokenMemo(_tagged, size=3)
    tagged = memo.function("x:")
    for word in "abcdefg":
        tagged(word)
    info = tagged.cache_info()  # type: ignore[attr-defined]
    assert info.currsize == 3 and info.maxsize == 3
    assert TOKEN_MEMO_SIZE == 50_000


def test_new_inputs_start_a_new_memo() -> None:
    memo = TokenMemo(_tagged)
    vocabulary = {"a": 1}
    first = memo.function(vocabulary)
    assert memo.function(vocabulary) is first  # same object: the same memo
    assert memo.function({"a": 1}) is not first  # an equal but new object: computed again
