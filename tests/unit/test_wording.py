from planner.wording import count


def test_counts_read_as_words_in_the_singular_and_plural():
    assert count(1, "post") == "1 post"
    assert count(0, "post") == "0 posts"
    assert count(1204, "row") == "1,204 rows"
    assert count(2, "blocking finding") == "2 blocking findings"
    assert count(3, "person", "people") == "3 people"
