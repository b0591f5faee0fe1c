"""Tests of cslab.phrases: the quick-phrase library is complete, fills correctly and passes its own rubric."""

import pytest

from cslab import datasets, phrases, scoring, zhtext
from cslab.errors import DataError, InputError

PHRASES = phrases.load_quick_phrases()
PRODUCT_VARS = {"商品名", "原价", "到手价", "材质", "颜色", "尺码"}
ORDER_VARS = {"订单号", "快递公司", "运单号", "收货地址", "数量"}


@pytest.fixture(scope="module")
def shop():
    """A realistic context: a down jacket, its shipped order and a buyer, from the course data."""
    product = datasets.load_products().set_index("sku").loc["SP0067"].to_dict()
    orders = datasets.load_orders()
    order = orders[(orders["order_id"] == "D202610230006") & (orders["line_no"] == 1)].iloc[0].to_dict()
    customer = datasets.load_customers().set_index("customer_id").loc["C00002"].to_dict()
    values = phrases.variables_from(product, order, customer, 店铺名="悦衣小铺", 客服昵称="小林",
                                    发货时间="下午4点前付款当天发货", 预计送达="明后天", 活动截止="今晚24点",
                                    优惠活动="满299减30", 退款金额=627.9)
    return product, order, customer, values


def test_library_size_and_shortcodes():
    """≥ 80 phrases; shortcodes unique, non-empty, /-prefixed; every group and stage is used."""
    assert len(PHRASES) >= 80
    codes = [p.shortcode for p in PHRASES]
    assert len(set(codes)) == len(codes) and all(c.startswith("/") and len(c) > 1 for c in codes)
    assert {p.group for p in PHRASES} == set(phrases.GROUPS)
    assert {p.stage for p in PHRASES} == set(scoring.STAGES)
    assert all(p.title and p.text for p in PHRASES)


def test_every_phrase_passes_its_own_stage(shop):
    """Each phrase, filled from the shop data, scores ≥ 60 at its stage and has no banned words."""
    product, order, customer, values = shop
    failures = []
    for p in PHRASES:
        text = phrases.fill(p.text, values)
        assert "{" not in text and "}" not in text
        names = set(phrases.variables(p.text))
        context = {"customer_name": customer["nickname"]}
        if names & PRODUCT_VARS:
            context["product"] = product
        if names & ORDER_VARS:
            context["order"] = order
        s = scoring.score_reply(p.stage, p.customer, text, context)
        if s.total < scoring.PASS_MARK or zhtext.has_banned(text):
            failures.append(f"{p.shortcode} {s.total} {s.summary} {text}")
    assert not failures, "\n".join(failures)


def test_only_known_variables_are_used():
    for p in PHRASES:
        assert set(phrases.variables(p.text)) <= set(phrases.VARIABLES), p.shortcode


def test_fill_and_variables():
    assert phrases.variables("{买家昵称}您好，{商品名}到手价{到手价}元，{商品名}") == ["买家昵称", "商品名", "到手价"]
    assert phrases.fill("到手价{到手价}元，共{数量}件", {"到手价": 96.9, "数量": 2, "多余": "不用"}) == "到手价96.90元，共2件"
    assert phrases.fill("没有变量", {}) == "没有变量"


@pytest.mark.parametrize("text,context,word", [
    ("单号{运单号}", {}, "运单号"),
    ("单号{运单号}", {"运单号": ""}, "运单号"),
    ("单号{运单号}", {"运单号": None}, "运单号"),
    ("亲爱的{客户名}", {"客户名": "西瓜呀"}, "客户名"),
])
def test_missing_or_unknown_variable_is_named(text, context, word):
    with pytest.raises(InputError) as exc:
        phrases.fill(text, context)
    assert word in str(exc.value)


def test_fill_rejects_non_dict_and_variables_from_rejects_unknown_names():
    with pytest.raises(InputError):
        phrases.fill("{买家昵称}", ["西瓜呀"])
    with pytest.raises(InputError):
        phrases.variables_from(客户名="西瓜呀")
    with pytest.raises(InputError):
        phrases.variables(None)


def test_variables_from_dataset_rows(shop):
    product, order, customer, values = shop
    assert values["商品名"] == product["name"] and values["到手价"] == product["promo_price"]
    assert values["快递公司"] == "极兔" and values["运单号"] == "JT0528237589806"
    assert values["收货地址"].startswith("福建厦门") and values["尺码"] == "XXL" and values["颜色"] == "黑色"
    assert values["买家昵称"] == customer["nickname"]


def test_find():
    assert phrases.find("/hy").title == "欢迎语"
    assert phrases.find("hy") == phrases.find("/HY") == phrases.find("/hy")
    assert phrases.find("/no-such") is None
    with pytest.raises(InputError):
        phrases.find(1)


def test_load_returns_a_new_list():
    a = phrases.load_quick_phrases()
    a.clear()
    assert len(phrases.load_quick_phrases()) == len(PHRASES)


@pytest.mark.parametrize("body,word", [
    ("- {shortcode: /a, group: 告别, stage: farewell, title: 甲, text: \"谢谢{客户名}\"}\n", "客户名"),
    ("- {shortcode: /a, group: 告别, stage: farewell, title: 甲, text: 谢谢}\n"
     "- {shortcode: /a, group: 告别, stage: farewell, title: 乙, text: 再见}\n", "重复"),
    ("- {shortcode: a, group: 告别, stage: farewell, title: 甲, text: 谢谢}\n", "/"),
    ("- {shortcode: /a, group: 其他, stage: farewell, title: 甲, text: 谢谢}\n", "分组"),
    ("- {shortcode: /a, group: 告别, stage: goodbye, title: 甲, text: 谢谢}\n", "环节"),
    ("- {shortcode: /a, group: 告别, stage: farewell, title: 甲}\n", "text"),
])
def test_bad_library_file_raises_data_error(tmp_path, body, word):
    path = tmp_path / "quick_phrases.yaml"
    path.write_text("phrases:\n" + body, encoding="utf-8")
    with pytest.raises(DataError) as exc:
        phrases.load_quick_phrases(path)
    assert word in str(exc.value) and "quick_phrases.yaml" in str(exc.value)


def test_frame():
    df = phrases.phrases_frame()
    assert list(df.columns) == ["编码", "分组", "环节", "名称", "内容", "变量"] and len(df) == len(PHRASES)
    assert set(df["环节"]) == set(scoring.STAGES.values())
