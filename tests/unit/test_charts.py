import pytest

from jewelpwa.domain.charts import PAD_BOTTOM, PAD_LEFT, PAD_RIGHT, PAD_TOP, line_chart, nice_ceiling


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (3, 5), (7, 10), (10, 10), (11, 20), (34, 50),
                                                (51, 100), (120, 200), (0.4, 1)])
def test_the_y_axis_tops_out_at_a_round_number(value, ceiling):
    assert nice_ceiling(value) == ceiling


def test_values_map_from_the_bottom_left_to_the_top_right():
    chart = line_chart(["Mon", "Tue", "Wed"], {"Maya": [0, 5, 10]}, width=640, height=240)
    points = chart.lines[0].points
    assert (points[0].x, points[0].y) == (PAD_LEFT, 240 - PAD_BOTTOM)   # 0 sits on the x axis
    assert (points[-1].x, points[-1].y) == (640 - PAD_RIGHT, PAD_TOP)   # the top value touches the top
    assert points[1].x == (PAD_LEFT + 640 - PAD_RIGHT) / 2
    assert points[1].y == (PAD_TOP + 240 - PAD_BOTTOM) / 2
    assert chart.lines[0].path.startswith(f"{PAD_LEFT},{240 - PAD_BOTTOM} ")
    assert chart.view_box == "0 0 640 240"


def test_each_series_gets_its_own_colour_class_and_keeps_its_total():
    chart = line_chart(["a", "b"], {"Maya": [1, 2], "Daniel": [3, 4], "Priya": [0, 0]})
    assert [line.css for line in chart.lines] == ["series-0", "series-1", "series-2"]
    assert [line.total for line in chart.lines] == [3, 7, 0]


def test_an_empty_period_draws_flat_lines_on_a_one_step_axis():
    chart = line_chart(["a", "b"], {"Maya": [0, 0]})
    assert chart.top_value == 1
    assert {p.y for p in chart.lines[0].points} == {240 - PAD_BOTTOM}
    assert [t.text for t in chart.y_ticks] == ["0", "1"]


def test_gridlines_fall_on_round_values():
    chart = line_chart(["a", "b"], {"Maya": [3, 38]})
    assert chart.top_value == 50
    assert [t.text for t in chart.y_ticks] == ["0", "10", "20", "30", "40", "50"]
    assert chart.y_ticks[0].position == 240 - PAD_BOTTOM and chart.y_ticks[-1].position == PAD_TOP


def test_a_single_day_sits_in_the_middle():
    chart = line_chart(["Mon"], {"Maya": [4]}, width=100)
    assert chart.lines[0].points[0].x == (PAD_LEFT + 100 - PAD_RIGHT) / 2


def test_a_long_period_labels_only_a_few_days_first_and_last_included():
    labels = [f"d{i}" for i in range(90)]
    chart = line_chart(labels, {"Maya": [1] * 90}, most_x_labels=8)
    texts = [t.text for t in chart.x_ticks]
    assert len(texts) == 8 and texts[0] == "d0" and texts[-1] == "d89"


def test_a_series_of_the_wrong_length_is_refused():
    with pytest.raises(ValueError):
        line_chart(["a", "b"], {"Maya": [1]})


def test_the_first_and_last_x_labels_stay_inside_the_chart():
    chart = line_chart([f"Dec {d}" for d in range(1, 31)], {"Maya": [1] * 30})
    anchors = [t.anchor for t in chart.x_ticks]
    assert anchors[0] == "start" and anchors[-1] == "end" and set(anchors[1:-1]) == {"middle"}
    assert chart.x_ticks[-1].position == chart.right


def test_a_phone_shows_every_other_x_label_the_first_and_last_always():
    chart = line_chart([f"d{i}" for i in range(30)], {"Maya": [1] * 30}, most_x_labels=7)
    assert [t.major for t in chart.x_ticks] == [True, False, True, False, True, False, True]
    chart = line_chart([f"d{i}" for i in range(30)], {"Maya": [1] * 30}, most_x_labels=8)
    assert [t.major for t in chart.x_ticks] == [True, False, True, False, True, False, False, True]


def test_only_the_busiest_lines_are_drawn_and_the_table_keeps_everyone():
    series = {"Ann": [1, 1], "Bo": [9, 9], "Cy": [0, 0], "Di": [5, 5], "Ed": [3, 3], "Flo": [2, 2]}
    chart = line_chart(["a", "b"], series, most_lines=4)
    assert [line.name for line in chart.lines] == ["Bo", "Di", "Ed", "Flo"]  # in the given order
    assert [line.name for line in chart.every_line] == list(series) and chart.not_drawn == 2
    assert chart.top_value == 10
    assert len({line.css for line in chart.lines}) == 4
