"""Generated knowledge entries for scale tests (private; used by :meth:`cslab.bot.KnowledgeBase.synthetic`).

Entries look like a real shop's: a product word, a concern of one topic and a question
pattern, with several similar questions, so the index has realistic vocabulary and posting
lists. ``random.Random(seed)`` only, so the same ``(n, seed)`` always gives the same entries.

>>> a = generate(2, seed=0)
>>> a == generate(2, seed=0), a[0]["id"], len(a[0]["similar"])
(True, 'SY0001', 5)
"""

from __future__ import annotations

import random

from ._model import TOPICS

_GOODS = ("连衣裙", "T恤", "衬衫", "卫衣", "牛仔裤", "羽绒服", "风衣", "毛衣", "夹克", "短裤", "运动鞋", "小白鞋",
          "雪地靴", "凉鞋", "双肩包", "斜挎包", "钱包", "围巾", "帽子", "保温杯", "四件套", "抱枕", "毛巾", "面膜",
          "口红", "防晒霜", "洗发水", "身体乳", "儿童套装", "女童连衣裙")
_COLORS = ("黑色", "白色", "燕麦色", "雾霾蓝", "酒红色", "藏青", "卡其", "浅粉")
_CONCERN = {
    "发货时间": ("几天发货", "今天能发出吗", "多久发出", "发货要等几天"),
    "催发货": ("怎么还没发货", "能快点发吗", "一直没发货", "催一下发货"),
    "快递公司": ("发什么快递", "能发顺丰吗", "可以指定快递吗", "用哪家快递"),
    "运费": ("包邮吗", "运费多少", "偏远地区要运费吗", "有运费险吗"),
    "修改地址": ("地址能改吗", "收货地址写错了", "想换个地址", "电话填错了"),
    "退货": ("能退吗", "怎么退货", "七天无理由吗", "退货运费谁出"),
    "换货": ("能换码吗", "可以换颜色吗", "怎么换货", "换货要多久"),
    "退款进度": ("退款多久到账", "退款到哪了", "钱什么时候退", "退款怎么还没到"),
    "发票": ("能开发票吗", "怎么开专票", "发票抬头错了", "发票在哪下载"),
    "优惠券活动": ("有优惠券吗", "有什么活动", "能便宜点吗", "满减怎么用"),
    "尺码建议": ("穿什么码", "偏大还是偏小", "尺码表在哪", "身高160穿几码"),
    "商品材质": ("什么面料", "会起球吗", "会掉色吗", "能机洗吗"),
    "保修售后": ("坏了能修吗", "保修多久", "质量问题怎么办", "怎么申请售后"),
    "支付方式": ("能用花呗吗", "可以分期吗", "付款失败怎么办", "能货到付款吗"),
    "签收问题": ("显示签收没收到", "放驿站了", "包装破了", "少了一件"),
    "联系人工": ("转人工", "人工客服在吗", "客服几点上班", "怎么联系客服"),
    "物流查询": ("快递到哪了", "物流不动了", "单号多少", "几天能到"),
    "取消订单": ("怎么取消订单", "拍错了能取消吗", "不想要了", "重复拍了"),
    "价格保护": ("降价了能退差价吗", "保价多少天", "买贵了怎么办", "价保怎么申请"),
    "库存补货": ("还有货吗", "什么时候补货", "断码了吗", "到货提醒"),
    "会员权益": ("会员有什么权益", "积分怎么用", "怎么升级会员", "生日有福利吗"),
    "礼品包装": ("能礼品包装吗", "有礼盒吗", "能写贺卡吗", "不放价格单可以吗"),
}
_PATTERNS = ("{g}{c}？", "请问{g}{c}", "这款{color}{g}{c}", "亲，{c}", "我买的{g}{c}", "{c}呀", "想问下{g}{c}",
             "{color}的{g}{c}")
_ANSWERS = ("亲，{g}{c}的问题我帮您看一下：请把订单号发我，我马上为您处理～",
            "亲，关于{g}{c}：详情页有说明，您也可以告诉我具体情况，我帮您确认哦～",
            "亲，{g}这方面请放心，{c}我们都有规定，按页面说明办理就可以哦～")


def generate(n: int, seed: int = 0) -> list:
    """``n`` entry dicts ``SY0001`` …, deterministic for ``(n, seed)``."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        topic = TOPICS[i % len(TOPICS)]
        concerns = _CONCERN[topic]
        g = rng.choice(_GOODS)
        c = rng.choice(concerns)
        sims = []
        while len(sims) < 5:
            s = rng.choice(_PATTERNS).format(g=g, c=rng.choice(concerns), color=rng.choice(_COLORS))
            if s not in sims:
                sims.append(s)
        out.append({"id": f"SY{i + 1:04d}", "topic": topic, "question": f"{g}{c}？", "similar": sims,
                    "answer": rng.choice(_ANSWERS).format(g=g, c=c.rstrip("？"))})
    return out
