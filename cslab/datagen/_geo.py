"""Mainland China geography for the generator: provinces, cities, districts, delivery zones, hubs."""

from __future__ import annotations

import random

from ._base import Picker

__all__ = [
    "PROVINCES", "ZONE", "PROMISED_DAYS", "province_picker", "pick_city", "hub", "district", "address",
]

# province (short name), buyer weight, delivery zone from the shop's warehouse in 杭州, cities
PROVINCES: list[tuple[str, int, int, list[str]]] = [
    ("广东", 120, 2, ["广州", "深圳", "东莞", "佛山", "珠海", "汕头", "惠州"]),
    ("浙江", 100, 1, ["杭州", "宁波", "温州", "绍兴", "嘉兴", "金华", "台州"]),
    ("江苏", 95, 1, ["南京", "苏州", "无锡", "常州", "南通", "徐州", "扬州"]),
    ("上海", 60, 1, ["上海"]),
    ("山东", 70, 2, ["济南", "青岛", "烟台", "潍坊", "临沂"]),
    ("北京", 50, 2, ["北京"]),
    ("河南", 55, 2, ["郑州", "洛阳", "南阳", "新乡"]),
    ("四川", 50, 3, ["成都", "绵阳", "南充", "宜宾"]),
    ("湖北", 45, 2, ["武汉", "宜昌", "襄阳", "荆州"]),
    ("福建", 45, 2, ["福州", "厦门", "泉州", "漳州"]),
    ("湖南", 40, 2, ["长沙", "株洲", "岳阳", "衡阳"]),
    ("安徽", 40, 1, ["合肥", "芜湖", "蚌埠", "安庆"]),
    ("河北", 38, 2, ["石家庄", "保定", "唐山", "廊坊"]),
    ("江西", 28, 2, ["南昌", "赣州", "九江"]),
    ("天津", 22, 2, ["天津"]),
    ("重庆", 25, 3, ["重庆"]),
    ("陕西", 25, 3, ["西安", "咸阳", "宝鸡"]),
    ("辽宁", 25, 3, ["沈阳", "大连", "鞍山"]),
    ("广西", 22, 3, ["南宁", "柳州", "桂林"]),
    ("云南", 18, 3, ["昆明", "曲靖", "大理"]),
    ("山西", 16, 3, ["太原", "大同", "运城"]),
    ("贵州", 14, 3, ["贵阳", "遵义"]),
    ("黑龙江", 14, 3, ["哈尔滨", "大庆", "齐齐哈尔"]),
    ("吉林", 11, 3, ["长春", "吉林"]),
    ("海南", 8, 3, ["海口", "三亚"]),
    ("内蒙古", 9, 4, ["呼和浩特", "包头", "赤峰"]),
    ("甘肃", 8, 4, ["兰州", "天水"]),
    ("宁夏", 4, 4, ["银川"]),
    ("青海", 3, 4, ["西宁"]),
    ("新疆", 7, 5, ["乌鲁木齐", "伊犁", "喀什"]),
    ("西藏", 2, 5, ["拉萨"]),
]

ZONE = {p: z for p, _, z, _ in PROVINCES}
_CITIES = {p: c for p, _, _, c in PROVINCES}
#: days the shop promises from dispatch to delivery, by zone
PROMISED_DAYS = {1: 2, 2: 3, 3: 4, 4: 5, 5: 7}

_DISTRICTS = {
    "杭州": ["西湖区", "拱墅区", "上城区", "滨江区", "余杭区", "萧山区", "临平区"],
    "上海": ["浦东新区", "闵行区", "徐汇区", "静安区", "杨浦区", "宝山区", "松江区"],
    "北京": ["朝阳区", "海淀区", "丰台区", "东城区", "西城区", "昌平区", "大兴区"],
    "广州": ["天河区", "越秀区", "海珠区", "白云区", "番禺区", "黄埔区"],
    "深圳": ["南山区", "福田区", "宝安区", "龙岗区", "龙华区", "罗湖区"],
    "南京": ["鼓楼区", "玄武区", "秦淮区", "建邺区", "江宁区", "栖霞区"],
    "苏州": ["姑苏区", "工业园区", "吴中区", "相城区", "虎丘区"],
    "成都": ["武侯区", "锦江区", "青羊区", "成华区", "金牛区", "高新区"],
    "武汉": ["武昌区", "江汉区", "洪山区", "江岸区", "汉阳区"],
    "天津": ["和平区", "南开区", "河西区", "滨海新区"],
    "重庆": ["渝中区", "江北区", "南岸区", "沙坪坝区", "九龙坡区", "渝北区"],
    "西安": ["雁塔区", "碑林区", "未央区", "长安区"],
}
_GENERIC_DISTRICTS = ["城关区", "新城区", "高新区", "经开区", "城东区", "城南区", "城西区", "城北区"]
_ROADS = [
    "人民路", "解放路", "中山路", "建设路", "和平路", "新华路", "文化路", "学府路", "青年路",
    "胜利路", "长江路", "黄河路", "朝阳路", "花园路", "滨江路", "东风路", "幸福路", "光明路",
    "友谊路", "工业大道", "迎宾大道", "科技大道", "中心街", "府前街", "春华街",
]


def province_picker() -> Picker:
    """A picker of buyer provinces weighted like online-shopping population."""
    return Picker([p for p, *_ in PROVINCES], [w for _, w, *_ in PROVINCES])


def pick_city(rng: random.Random, province: str) -> str:
    """A city of the province, the first (capital) more often."""
    cities = _CITIES[province]
    weights = [3.0 if i == 0 else 1.0 for i in range(len(cities))]
    return rng.choices(cities, weights=weights)[0]


def hub(province: str) -> str:
    """The carriers' sorting centre that serves a province (its first city)."""
    return _CITIES[province][0]


def district(rng: random.Random, city: str) -> str:
    """A district of the city (generic names for smaller cities)."""
    return rng.choice(_DISTRICTS.get(city, _GENERIC_DISTRICTS))


def address(rng: random.Random, city: str) -> str:
    """A masked street address, e.g. '西湖区 文**路1**号' (never a real full address)."""
    road = rng.choice(_ROADS)
    return f"{district(rng, city)} {road[0]}**{road[-1]}{rng.randint(1, 9)}**号"
