"""Print the latency of cslab.zhtext: find_banned on replies and a long description, cut(), first calls.

Run: python benchmarks/zhtext_latency.py
Budget: a simulator turn answers in tens of milliseconds, so find_banned on a reply must cost
well under 1 ms and a 2,000-character description a few ms; cut() may cost ~0.2 s once per kernel.
"""

import random
import statistics
import subprocess
import sys
import time

REPLIES = [
    "亲，在的，请问有什么可以帮您？",
    "您身高165厘米、体重50公斤的话，建议选M码，穿着会比较合身。",
    "亲，这款是全网最低价，错过就要等双十一了哦。",
    "非常抱歉给您带来不好的体验，亲在订单页面申请退货，寄回后我们收到第一时间退款哦～",
    "亲，现在店铺满299减30，还可以领5元无门槛券，叠加后很划算哦～ [微笑]",
    "这款毛衣绝对不起球，面料是100%羊毛，您放心穿，收到后好评返现5元😊",
    "亲，江浙沪地区最快明天就能到，其他地区一般2-3天，最迟不超过4天，您最好先确认一下收货地址，"
    "如果地址有变化请第一时间告诉我，我们会备注仓库按新地址发货，有任何问题随时找我哦～",
]
DESCRIPTION_PARTS = [
    "【商品详情】本款针织开衫选用羊毛30% 腈纶70%混纺面料，柔软亲肤不扎人。",
    "版型经过多次调整，上身效果好，遮肉显瘦，搭配连衣裙和牛仔裤都好看。",
    "洗涤方式：建议冷水手洗，不可漂白，平铺晾干；第一次洗涤可能有轻微浮色，属于正常现象。",
    "尺码说明：S/M/L/XL，尺码标准，最大号可以穿到140斤，拿不准可以咨询客服。",
    "物流：16点前付款当天发货，最快次日送达；支持七天无理由退换，赠送运费险。",
    "本店销量第一的爆款，顶级品质，国家级工艺，假一赔十！",
]


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, round(q / 100 * (len(values) - 1)))]


def timed(func, arg, runs):
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        func(arg)
        out.append(time.perf_counter() - start)
    return out


def first_call_costs() -> str:
    code = (
        "import time; t0 = time.perf_counter(); import cslab.zhtext as z; t1 = time.perf_counter(); "
        "z.find_banned('全网最低价'); t2 = time.perf_counter(); z.cut('亲，七天无理由'); t3 = time.perf_counter(); "
        "print(f'{(t1-t0)*1e3:.1f} {(t2-t1)*1e3:.1f} {(t3-t2)*1e3:.1f}')"
    )
    runs = [subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
            .stdout.split() for _ in range(5)]
    med = [statistics.median(float(r[i]) for r in runs) for i in range(3)]
    return (f"first calls (fresh interpreter, median of 5): import cslab.zhtext {med[0]:.1f} ms; "
            f"first find_banned (reads + compiles the rules) {med[1]:.1f} ms; "
            f"first cut (imports rjieba, loads its dictionary, adds the domain words) {med[2]:.1f} ms")


def main() -> None:
    from cslab import zhtext

    print(first_call_costs())
    rng = random.Random(0)
    replies = [r for r in REPLIES if 20 <= len(r) <= 200]
    zhtext.find_banned(replies[0])
    zhtext.cut(replies[0])
    samples = []
    for _ in range(3000):
        samples += timed(zhtext.find_banned, rng.choice(replies), 1)
    print(f"find_banned on replies ({min(map(len, replies))}-{max(map(len, replies))} chars, "
          f"{len(samples)} calls): p50 {percentile(samples, 50) * 1e3:.3f} ms, "
          f"p95 {percentile(samples, 95) * 1e3:.3f} ms")

    description = ""
    while len(description) < 2000:
        description += rng.choice(DESCRIPTION_PARTS)
    description = description[:2000]
    samples = timed(zhtext.find_banned, description, 200)
    print(f"find_banned on a 2,000-char description ({len(zhtext.find_banned(description))} matches): "
          f"p50 {percentile(samples, 50) * 1e3:.2f} ms, p95 {percentile(samples, 95) * 1e3:.2f} ms")
    samples = timed(zhtext.clean, description, 100)
    print(f"clean on the same description: p50 {percentile(samples, 50) * 1e3:.2f} ms")
    long_text = (description * 6)[:12_000]
    samples = timed(zhtext.find_banned, long_text, 20)
    print(f"find_banned on 12,000 chars: p50 {percentile(samples, 50) * 1e3:.1f} ms")

    samples = []
    for _ in range(3000):
        samples += timed(zhtext.cut, rng.choice(replies), 1)
    print(f"cut on replies after warm-up: p50 {percentile(samples, 50) * 1e3:.3f} ms, "
          f"p95 {percentile(samples, 95) * 1e3:.3f} ms")
    samples = timed(zhtext.cut, description, 200)
    print(f"cut on the 2,000-char description: p50 {percentile(samples, 50) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
