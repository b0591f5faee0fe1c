"""Chat message scripts by topic and their rendering into timed messages (chat_messages.csv)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from ._base import NOW, fmt_dt, write_csv

__all__ = ["HEADER", "SCRIPTS", "BOT", "render", "rows", "write"]

HEADER = ["session_id", "seq", "sent_at", "sender", "agent_id", "text"]

_HELLO_B = ["在吗？", "你好", "在不在", "亲，在吗", "hello，有人吗", "您好，请问一下"]
_HELLO_A = ["亲，您好，我是{agent}，很高兴为您服务～", "您好亲，在的呢，请问有什么可以帮您？",
            "亲亲您好，欢迎光临{shop}，我是客服{agent}～", "在的亲，{agent}为您服务～"]
_BYE_A = ["好的亲，有任何问题随时找{agent}哦～", "感谢您的支持，祝您生活愉快～", "不客气亲，期待您再次光临{shop}～",
          "好的呢，有需要随时联系我们～"]

#: topic → scripts; a script is a list of steps: (role, paraphrases) with role B buyer or A agent,
#: or ("Q", [(question, answer), ...]) where a question and its answer are chosen together
SCRIPTS: dict[str, list[list[tuple[str, list]]]] = {
    "售前咨询/尺码": [[
        ("B", ["{product}我身高{height}，体重{jin}斤，穿什么码？", "你好，{height}cm {jin}斤穿哪个码合适",
               "{height}/{jin}斤，这款拍什么尺码呀", "请问这款{product}，{height}厘米{jin}斤的穿多大？"]),
        ("A", ["亲，根据您的身高体重，建议拍{size}码哦～这款{tip}。", "按尺码表您穿{size}码比较合适，这款{tip}，可以放心拍～",
               "推荐{size}码呢亲，{tip}，喜欢宽松的话可以拍大一码。"]),
        ("Q", [("会不会起球？", "亲，这款面料是{material}，正常穿着不容易起球哦～"),
               ("洗了会缩水吗", "亲，{material}的，建议冷水手洗、反面晾晒，基本不会缩水～"),
               ("面料透气吗", "透气的亲，{material}，夏天穿也不闷～"),
               ("会不会显胖啊", "不会的亲，版型是经过多次试穿调整的，很显瘦哦～"),
               ("平时穿{size}的，这个{size}会紧吗", "不会紧的亲，{size}码胸围{bust}厘米左右，可以对比一下自己的衣服～")]),
    ], [
        ("B", ["我平时穿M，这款要拍大一码吗", "{product}偏大还是偏小？", "这个尺码准吗"]),
        ("A", ["亲，这款{tip}，方便说一下身高体重吗？帮您推荐～", "亲，这款{tip}哦，告诉我身高体重我帮您看看～"]),
        ("B", ["{height}，{jin}斤", "身高{height}，体重{jin}斤", "{height}cm，{jin}斤左右"]),
        ("A", ["那建议拍{size}码哦亲～", "亲，您穿{size}码刚好，喜欢宽松可以大一码～"]),
    ]],
    "售前咨询/童装尺码": [[
        ("B", ["孩子身高{height}，{jin}斤，穿多大码？", "宝宝{height}cm，{jin}斤，拍哪个码", "给孩子买，{height}高{jin}斤选几码"]),
        ("A", ["亲，{height}cm的宝宝建议拍{size}码哦，童装可以适当留一点余量～", "建议{size}码呢亲，按身高选码最准～"]),
        ("Q", [("会不会扎人？", "不会的亲，面料是{material}，柔软亲肤～"),
               ("洗了会缩水吗", "亲，{material}，建议首次冷水洗，基本不缩水～"),
               ("孩子皮肤敏感，面料安全吗", "放心亲，{material}，符合A类婴幼儿标准～")]),
    ]],
    "售前咨询/材质": [[
        ("B", ["这个{product}是什么材质的？", "请问材质是什么", "{product}的成分是什么", "什么材料做的"]),
        ("A", ["亲，这款的材质是{material}，产地{origin}，质量您放心～", "您好亲，成分是{material}哦，详情页有吊牌图可以参考～",
               "亲亲，这款是{material}，我们家的都是正规质检过的呢"]),
        ("Q", [("好的，有实物图吗", "亲，评价里有很多买家秀，可以参考一下哦～"),
               ("会不会有味道", "亲，出厂前都会通风处理，刚拆开有轻微味道的话放通风处一天就好～"),
               ("质量怎么样，之前买过一家很差", "亲，支持七天无理由退换，收到不满意可以退的，放心拍～"),
               ("是{origin}产的吗", "是的亲，产地{origin}，工厂直发～")]),
    ]],
    "售前咨询/发货": [[
        ("B", ["今天拍什么时候发货？", "现在下单今天能发吗", "发什么快递？到{city}要几天", "急用，几天能到{city}"]),
        ("A", ["亲，下午3点前付款当天发出，默认中通/圆通，到{city}一般{days}天左右哦～",
               "今天付款的话今天就能安排发货呢，正常{days}天左右到{city}～", "亲，{city}的话一般发货后{days}天送达，需要顺丰可以补差价哦"]),
        ("Q", [("能发顺丰吗", "可以的亲，顺丰需要补运费差价，拍下后备注一下就好～"),
               ("那周末能到吗", "亲，我们会尽快发出，具体送达时间以快递为准哦～"),
               ("可以指定快递吗", "亲，默认中通/圆通，有需要可以备注，我们尽量安排～"),
               ("有运费险吗", "有的亲，每单都送运费险，退换货更放心～")]),
    ]],
    "售前咨询/库存": [[
        ("Q", [("{color}还有{size}码吗？", "亲，{color}{size}码目前有货的，现在拍下就能发哦～"),
               ("{product}{color}有货吗", "有的亲，{color}库存还有一些，喜欢的话尽快下单哦～"),
               ("{size}码是不是没了", "亲，{size}码刚补货了，现在可以拍哦～")]),
        ("Q", [("实物颜色和图片一样吗", "亲，都是实物拍摄的，不同屏幕可能有一点点色差哦"),
               ("{color}显黑吗", "{color}很百搭的亲，不挑肤色～"),
               ("有色差吗", "亲，实物拍摄，色差很小的，放心哦～")]),
    ]],
    "活动优惠": [[
        ("Q", [("现在有什么优惠吗？", "亲，现在店铺满299减30，还可以领{coupon}元无门槛券，叠加后很划算哦～"),
               ("有优惠券吗", "有的亲，店铺首页可以领{coupon}元券，下单自动抵扣～"),
               ("能便宜一点吗", "亲，{product}活动价{promo}元，已经是最低价了哦～"),
               ("满减怎么算的", "亲，满299减30，多件一起拍系统会自动计算～")]),
        ("Q", [("券在哪里领", "亲，店铺首页和商品详情页都可以领券哦～"),
               ("跨店满减能用吗", "可以的亲，平台跨店满减和店铺券可以叠加使用～"),
               ("前两天买的降价了能退差价吗", "亲，按平台价保规则，符合条件的可以申请价保哦，我帮您看一下～"),
               ("那我多买几件能再便宜吗", "亲，满减可以叠加的，多件更划算哦～")]),
    ]],
    "催付": [[
        ("A", ["亲，看到您拍下的{product}还没有付款哦，库存紧张，付款后今天就能为您发出～",
               "亲，您的订单{order_id}还差最后一步付款哦，活动库存有限，为您保留中～",
               "您好亲，{product}已经为您预留好了，付款后第一时间安排发货哦～",
               "亲亲，您选的{color}{product}很抢手，付款后马上为您安排发货～"]),
    ]],
    "物流": [[
        ("B", ["我的快递到哪了？订单{order_id}", "怎么还没到，单号{tracking}", "{carrier}的快递好几天没动了",
               "订单{order_id}物流一直不更新"]),
        ("A", ["亲，稍等，我帮您查一下物流～", "好的亲，马上为您查询～", "亲，我看一下您的物流信息哦～"]),
        ("A", ["亲，您的包裹已经在{city}转运中心了，预计{days}天内送达哦", "查到了亲，包裹正在派送途中，请保持电话畅通～",
               "亲，显示已经到{city}了，正常今明两天就会派送～"]),
        ("Q", [("能不能帮我催一下", "已经帮您联系{carrier}加急处理了，给您带来不便非常抱歉～"),
               ("都好几天了，能快点吗", "亲，我这边已经登记催件，有更新第一时间通知您哦"),
               ("要是再不到我就不要了", "非常抱歉亲，最近件量比较大，如果明天还没更新，我们给您补发或者申请补偿～"),
               ("好吧，谢谢", "不客气亲，有更新我们会第一时间通知您～")]),
    ]],
    "修改地址": [[
        ("B", ["刚拍的地址写错了，能改吗", "订单{order_id}能改地址吗", "麻烦帮我改一下收货地址"]),
        ("A", ["亲，订单还没发货，可以修改的，麻烦把新地址发给我哦～", "可以的亲，请提供新的收货地址和电话～"]),
        ("B", ["改成{city}{district}的地址，电话不变", "新地址是{city}{district}，收件人不变", "改到公司：{city}{district}"]),
        ("A", ["已经帮您修改好了，请在订单详情里核对一下哦～", "好的亲，地址已更新，已备注仓库按新地址发货～"]),
    ]],
    "发票": [[
        ("B", ["能开发票吗？", "可以开公司抬头的发票吗", "订单{order_id}需要发票"]),
        ("A", ["可以的亲，请提供发票抬头和税号，电子发票3个工作日内开具哦～", "亲，支持开电子普通发票，麻烦发一下抬头和税号～"]),
        ("B", ["抬头是个人就行", "税号9133**********，抬头是公司名", "个人，发到邮箱可以吗"]),
        ("A", ["收到亲，已登记，开好后会在订单里上传～", "好的亲，已为您登记开票，请留意订单页的发票信息～"]),
    ]],
}

_RETURN_B = {
    "尺码不合适": ["{product}尺码偏小，穿着紧，能换大一码吗", "买的{size}码太大了，想换小一码", "尺码不合适，想退掉"],
    "不喜欢/七天无理由": ["收到了，感觉不太适合我，七天无理由退货可以吗", "不太喜欢，想退货", "上身效果和想的不一样，能退吗"],
    "质量问题": ["收到的{product}有线头还开线了", "衣服洗了一次就起球，质量太差了", "{product}有破洞，怎么处理"],
    "与描述不符": ["收到的和详情页写的不一样", "说是{material}，摸着不像", "实物和图片差太多了"],
    "颜色与图片不符": ["颜色和图片差别好大", "{color}收到像另一个颜色", "色差太严重了"],
    "做工有瑕疵": ["扣子是松的，做工不太好", "有一块污渍", "走线歪了"],
    "发错货": ["发错货了！我买的是{color}，收到的是别的颜色", "尺码发错了，我拍的{size}码", "收到的不是我买的款"],
    "运输途中破损": ["收到的时候盒子破了，里面的东西也坏了", "快递压坏了", "杯子碎了"],
    "使用后过敏": ["用了之后脸有点过敏发红", "用完皮肤痒，想退", "过敏了能退吗"],
}
_RETURN_A = {
    "退货": ["非常抱歉给您带来不好的体验，亲在订单页面申请退货，寄回后我们收到第一时间退款哦～",
             "亲，可以的，申请退货退款就好，运费险会赔付运费～", "实在抱歉亲，您直接申请退货，地址系统会自动显示～"],
    "退款": ["非常抱歉亲，已经为您申请仅退款，不用寄回了～", "亲，给您带来不便很抱歉，这边直接为您退款哦～"],
    "换货": ["可以换的亲，您申请换货寄回，我们收到后第一时间给您寄出新的～", "亲，支持换货，寄回时备注一下要换的尺码哦～"],
    "rejected": ["亲，非常抱歉，吊牌拆了会影响二次销售，不支持七天无理由退货哦", "亲，商品已经洗涤过，按规则这边不能退货呢，抱歉"],
}
_COMPLAIN_B = ["你们客服怎么回事，半天不回消息", "我要投诉！{reason}", "这都第几天了，{reason}，太失望了", "{reason}，给个说法",
               "怎么处理？{reason}，我要找你们领导"]
_COMPLAIN_A = ["非常抱歉亲，您的问题我已经记录，马上为您转接主管处理", "亲，真的很抱歉，我这就把情况反馈给主管～",
               "给您带来不好的体验非常抱歉，我请主管来为您处理"]
_COMPLAIN_E = ["您好，我是店铺主管{boss}，您的情况我了解了，非常抱歉，{fix}", "亲，我是主管{boss}，这次是我们的问题，{fix}",
               "您好亲，主管{boss}为您处理，{fix}"]
_FIX = {"物流": "我们已联系快递加急处理，有进展会第一时间告诉您", "商家": "这边为您补偿并安排处理，保证给您一个满意的答复",
        "平台": "我们协助您联系平台处理，请放心", "买家": "这边给您详细解释一下活动规则"}

_END = {
    True: ["好的，我去拍", "行，那我下单了", "好的，这就下单", "那我拍{size}码吧", "行，我去付款", "ok，谢谢"],
    False: ["好的，我再看看", "我再考虑一下", "好的谢谢", "嗯嗯，我想想", "算了，不要了"],
    None: ["好的，谢谢", "知道了", "好吧", "嗯嗯，辛苦了", "谢谢亲"],
}

#: messages of the shop's robot (店小蜜-style)
BOT = {
    "welcome": ["您好，我是{shop}智能客服小悦，请问有什么可以帮您？可以点击：1.发货时间 2.退换货 3.尺码推荐",
                "亲，欢迎光临{shop}～我是智能助手小悦，输入“尺码”“发货”“退货”可以快速获取答案哦"],
    "offline": ["亲，现在是人工客服休息时间（服务时间 08:00-24:00），您可以先留言，上班后第一时间回复您～",
                "亲亲，人工客服暂时不在线，您的留言我们已收到，上班后马上为您处理～"],
    "busy": ["亲，当前咨询人数较多，正在为您转接人工客服，请稍候～", "大促期间咨询量大，人工客服马上就来，感谢耐心等待～"],
}


class _Slots(dict):
    def __missing__(self, key):
        return ""


def _fill(text: str, slots: dict) -> str:
    return text.format_map(_Slots(slots))


def script_for(rng: random.Random, kind: str, slots: dict, converted) -> list[tuple[str, str]]:
    """The (role, text) turns of one session before timing: B buyer, A agent, E supervisor."""
    turns: list[tuple[str, str]] = []
    if kind.startswith("售前咨询") or kind == "活动优惠":
        if rng.random() < 0.3:
            turns.append(("B", f"[商品卡片] {slots['name']} ¥{slots['promo']}"))
        elif rng.random() < 0.4:
            turns.append(("B", rng.choice(_HELLO_B)))
    if kind in ("退换货", "投诉"):
        reason = slots["reason"]
        if kind == "退换货":
            turns.append(("B", rng.choice(_RETURN_B.get(reason, ["订单{order_id}想申请售后"]))))
            turns.append(("A", rng.choice(_HELLO_A)))
            turns.append(("B", rng.choice(["订单号{order_id}", "怎么操作？", "能快点处理吗", "运费谁出？"])))
            turns.append(("A", rng.choice(_RETURN_A[slots["ticket_kind"]])))
        else:
            turns.append(("B", rng.choice(_COMPLAIN_B)))
            turns.append(("A", rng.choice(_COMPLAIN_A)))
            slots = {**slots, "fix": _FIX.get(slots.get("resp", ""), _FIX["商家"])}
            turns.append(("E", rng.choice(_COMPLAIN_E)))
            turns.append(("B", rng.choice(["行吧，尽快", "好，我等你们消息", "这次就算了", "希望下次别这样"])))
            turns.append(("E", rng.choice(["再次向您致歉，感谢您的理解～", "处理结果会在工单里同步给您，抱歉亲～"])))
            return [(r, _fill(t, slots)) for r, t in turns]
    else:
        script = rng.choice(SCRIPTS[kind])
        for i, (role, options) in enumerate(script):
            if i == 1 and role == "A" and kind != "催付" and rng.random() < 0.5:
                turns.append(("A", rng.choice(_HELLO_A)))
            if role == "Q":
                question, answer = rng.choice(options)
                turns.extend([("B", question), ("A", answer)])
            else:
                turns.append((role, rng.choice(options)))
    if kind == "催付":
        if converted == "later":
            turns.append(("B", rng.choice(["好的，晚点再付", "等发工资了再付哈哈", "我再对比一下，晚点付", "明天再付可以吗"])))
            turns.append(("A", rng.choice(["好的亲，订单会为您保留到自动关闭前，记得付款哦～", "没问题亲，付款后第一时间发货～"])))
        elif converted:
            turns.append(("B", rng.choice(["刚才在比价，马上付", "好的，忘记了，这就付", "能改个地址吗？改完就付", "好的马上付"])))
            turns.append(("A", rng.choice(["好的亲，付款后今天就给您安排发货～", "收到亲，感谢支持，马上安排～"])))
        elif rng.random() < 0.6:
            turns.append(("B", rng.choice(["不要了，买重了", "我再想想", "先不要了", "价格有点高，再看看"])))
            turns.append(("A", rng.choice(["好的亲，有需要随时联系我们哦～", "理解的亲，订单会为您保留到自动关闭前～"])))
        return [(r, _fill(t, slots)) for r, t in turns]
    if rng.random() < 0.8:
        ends = [e for e in _END[converted] if "{size}" not in e or slots.get("sized")]
        turns.append(("B", rng.choice(ends)))
        if rng.random() < 0.7:
            turns.append(("A", rng.choice(_BYE_A)))
    return [(r, _fill(t, slots)) for r, t in turns]


def render(rng: random.Random, turns, start: datetime, agent: str, boss: str, avail: datetime,
           busy: bool, shop: str) -> tuple[list[tuple], int | None]:
    """Timed messages (time, sender, agent_id, text) and the first human response in seconds.

    ``avail`` is when the agent can first answer (after ``start`` when nobody was on duty);
    ``busy`` lengthens waits on promotion days. Messages at or after the snapshot are dropped.
    """
    msgs: list[tuple] = []
    t = start
    first_buyer = first_reply = None
    for role, text in turns:
        if role == "B":
            if msgs:
                t += timedelta(seconds=rng.randint(8, 150))
            if first_buyer is None:
                first_buyer = t
                if avail > t + timedelta(minutes=5):
                    msgs.append((t, "买家", "", text))
                    t += timedelta(seconds=rng.randint(1, 4))
                    msgs.append((t, "机器人", "", _fill(rng.choice(BOT["offline"]), {"shop": shop})))
                    continue
                if busy and rng.random() < 0.5:
                    msgs.append((t, "买家", "", text))
                    t += timedelta(seconds=rng.randint(1, 4))
                    msgs.append((t, "机器人", "", _fill(rng.choice(BOT["busy"]), {"shop": shop})))
                    continue
                if rng.random() < 0.25:
                    msgs.append((t, "买家", "", text))
                    t += timedelta(seconds=rng.randint(1, 3))
                    msgs.append((t, "机器人", "", _fill(rng.choice(BOT["welcome"]), {"shop": shop})))
                    continue
            msgs.append((t, "买家", "", text))
        else:
            who = boss if role == "E" else agent
            if msgs:
                if first_reply is None and first_buyer is not None:
                    wait = rng.randint(20, 300) if busy else rng.randint(5, 60)
                    t = max(t, avail) + timedelta(seconds=wait)
                    first_reply = int((t - first_buyer).total_seconds())
                else:
                    t += timedelta(seconds=rng.randint(15, 180) if busy else rng.randint(8, 75))
            msgs.append((t, "客服", who, text))
    msgs = [m for m in msgs if m[0] < NOW]
    if first_buyer is not None and first_reply is not None and first_buyer + timedelta(seconds=first_reply) >= NOW:
        first_reply = None
    return msgs, first_reply


def rows(sessions: list[dict]) -> list[list]:
    """chat_messages.csv rows, by session_id and seq."""
    out = []
    for s in sessions:
        for seq, (t, sender, aid, text) in enumerate(s["messages"], start=1):
            out.append([s["session_id"], seq, fmt_dt(t), sender, aid, text])
    return out


def write(out_dir, sessions: list[dict]) -> dict:
    """Write chat_messages.csv."""
    return {"chat_messages": write_csv(out_dir / "chat_messages.csv", HEADER, rows(sessions))}
