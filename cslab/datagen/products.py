"""The shop's catalogue (products.csv) and the size charts of its apparel and shoes (size_charts.csv)."""

from __future__ import annotations

import random
from datetime import date

from ._base import fmt_date, stream, write_csv, yuan

__all__ = [
    "HEADER", "SIZE_HEADER", "CATEGORIES", "make_products", "size_chart", "recommend_size",
    "rows", "size_rows", "write",
]

HEADER = [
    "sku", "name", "category", "price", "promo_price", "stock", "material", "origin",
    "listed_date", "monthly_sales", "subcategory", "season", "color_options", "size_options",
    "size_tip", "weight_g",
]
SIZE_HEADER = [
    "sku", "size", "height_min_cm", "height_max_cm", "weight_min_kg", "weight_max_kg",
    "bust_cm", "waist_cm", "hip_cm", "shoulder_cm", "sleeve_cm", "length_cm", "foot_length_mm",
]
CATEGORIES = ["女装", "男装", "童装", "鞋靴", "箱包配饰", "家居日用", "美妆个护"]

_SUMMER, _WINTER, _ALL = "春夏", "秋冬", "四季"
_W_COLORS = ["黑色", "白色", "杏色", "米白", "雾霾蓝", "燕麦色", "酒红色", "浅粉", "卡其色", "藏青"]
_M_COLORS = ["黑色", "白色", "藏青", "灰色", "军绿", "卡其色", "深蓝", "浅灰"]
_K_COLORS = ["粉色", "天蓝", "鹅黄", "白色", "草绿", "藏青", "红色"]
_COTTON = ["棉100%", "棉95% 氨纶5%", "棉60% 聚酯纤维40%"]
_POLY = ["聚酯纤维100%", "聚酯纤维92% 氨纶8%", "粘纤70% 聚酯纤维30%", "醋酸纤维60% 聚酯纤维40%"]
_KNIT = ["羊毛30% 腈纶70%", "粘纤55% 锦纶25% 聚酯纤维20%", "羊毛50% 锦纶50%"]
_DENIM = ["棉98% 氨纶2%", "棉100%", "棉92% 聚酯纤维6% 氨纶2%"]
_DOWN = ["面料:锦纶100% 填充物:白鸭绒90%", "面料:聚酯纤维100% 填充物:白鸭绒80%",
         "面料:锦纶100% 填充物:白鹅绒90%"]
_WOOL = ["羊毛70% 聚酯纤维30%", "羊毛50% 聚酯纤维50%", "羊毛90% 羊绒10%"]
_SHOE = ["鞋面:头层牛皮 鞋底:橡胶", "鞋面:超纤皮 鞋底:EVA", "鞋面:网布 鞋底:橡胶+EVA",
         "鞋面:帆布 鞋底:硫化橡胶", "鞋面:反绒牛皮 鞋底:TPR"]
_APPAREL_ORIGIN = ["浙江杭州", "浙江湖州", "广东广州", "广东东莞", "江苏常熟", "福建泉州"]
_SHOE_ORIGIN = ["福建晋江", "浙江温州", "广东东莞", "四川成都"]
_BAG_ORIGIN = ["广东广州", "河北保定", "浙江义乌", "浙江杭州"]
_HOME_ORIGIN = ["浙江义乌", "江苏南通", "浙江永康", "广东潮州", "山东滨州"]
_BEAUTY_ORIGIN = ["上海", "广东广州", "浙江杭州", "江苏苏州"]

# category, subcategory, count, season, price range (yuan), size kind, chart, colors, materials,
# origins, styles, features, weight range (g)
_SPECS = [
    ("女装", "连衣裙", 14, _SUMMER, (129, 299), "W", "dress", _W_COLORS + ["碎花"], _POLY + _COTTON,
     _APPAREL_ORIGIN, ["法式复古碎花", "气质收腰", "小个子显瘦", "温柔风针织", "简约纯色", "赫本风"],
     ["中长款", "方领泡泡袖", "V领长裙", "无袖背心裙", "A字裙", "显瘦遮肉"], (250, 450)),
    ("女装", "T恤", 10, _SUMMER, (39, 99), "W", "top_s", _W_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["纯棉短袖", "宽松印花", "修身圆领", "字母刺绣", "重磅纯色"],
     ["百搭上衣", "打底半袖", "夏季薄款", "ins潮"], (150, 250)),
    ("女装", "衬衫", 8, _ALL, (89, 199), "W", "top_l", ["白色", "浅蓝", "条纹", "杏色", "黑色"],
     _COTTON + _POLY, _APPAREL_ORIGIN, ["职业通勤", "法式复古", "慵懒风", "垂感缎面"],
     ["长袖上衣", "宽松显瘦", "设计感小众"], (180, 300)),
    ("女装", "针织开衫", 6, _ALL, (99, 229), "W", "top_l", _W_COLORS, _KNIT,
     _APPAREL_ORIGIN, ["软糯", "温柔风", "复古提花", "短款"], ["毛衣外套", "V领上衣", "宽松百搭"],
     (250, 450)),
    ("女装", "卫衣", 6, _WINTER, (99, 199), "W", "top_l", _W_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["加绒加厚", "连帽", "美式复古", "半拉链"], ["宽松上衣", "学生百搭", "秋冬外套"],
     (400, 700)),
    ("女装", "阔腿裤", 6, _ALL, (89, 189), "W", "bottom", _W_COLORS, _POLY,
     _APPAREL_ORIGIN, ["高腰垂感", "西装", "冰丝", "直筒"], ["显瘦拖地裤", "休闲长裤", "九分裤"],
     (250, 400)),
    ("女装", "牛仔裤", 6, _ALL, (99, 229), "W", "bottom", ["浅蓝", "深蓝", "黑色", "烟灰"], _DENIM,
     _APPAREL_ORIGIN, ["高腰直筒", "微喇", "小脚", "复古宽松"], ["显瘦长裤", "九分裤", "老爹裤"],
     (450, 650)),
    ("女装", "半身裙", 6, _SUMMER, (79, 169), "W", "skirt", _W_COLORS, _POLY,
     _APPAREL_ORIGIN, ["高腰A字", "百褶", "缎面", "开叉包臀"], ["中长裙", "显瘦半裙", "伞裙"],
     (200, 350)),
    ("女装", "羽绒服", 6, _WINTER, (399, 899), "W", "outer", ["黑色", "米白", "燕麦色", "雾霾蓝"], _DOWN,
     _APPAREL_ORIGIN, ["面包服", "连帽加厚", "轻薄短款", "中长款"], ["保暖外套", "冬季新款", "鸭绒服"],
     (700, 1300)),
    ("女装", "毛呢大衣", 5, _WINTER, (399, 999), "W", "outer", ["驼色", "黑色", "燕麦色", "藏青"], _WOOL,
     _APPAREL_ORIGIN, ["双面羊毛", "赫本风", "茧型", "西装领"], ["中长款外套", "呢子大衣", "高级感"],
     (900, 1400)),
    ("女装", "风衣", 4, _ALL, (299, 599), "W", "outer", ["卡其色", "黑色", "米白"], _POLY + _COTTON,
     _APPAREL_ORIGIN, ["英伦风", "双排扣", "系带收腰"], ["中长款外套", "春秋外套"], (600, 900)),
    ("男装", "T恤", 10, _SUMMER, (49, 119), "M", "top_s", _M_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["纯棉短袖", "重磅圆领", "冰丝速干", "潮牌印花"], ["宽松半袖", "夏季上衣", "打底衫"],
     (180, 280)),
    ("男装", "POLO衫", 5, _SUMMER, (89, 199), "M", "top_s", _M_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["商务休闲", "翻领", "凉感"], ["短袖上衣", "中年爸爸装"], (200, 300)),
    ("男装", "衬衫", 5, _ALL, (99, 219), "M", "top_l", ["白色", "浅蓝", "条纹", "灰色"], _COTTON,
     _APPAREL_ORIGIN, ["免烫商务", "牛津纺", "休闲"], ["长袖衬衣", "修身正装"], (220, 320)),
    ("男装", "卫衣", 6, _WINTER, (119, 229), "M", "top_l", _M_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["连帽", "加绒", "美式重磅", "圆领"], ["宽松外套", "秋冬上衣"], (500, 800)),
    ("男装", "夹克", 5, _ALL, (199, 399), "M", "outer", _M_COLORS, _POLY + _COTTON,
     _APPAREL_ORIGIN, ["工装", "立领", "棒球服", "机能风"], ["春秋外套", "休闲上衣"], (500, 800)),
    ("男装", "羽绒服", 5, _WINTER, (459, 999), "M", "outer", ["黑色", "藏青", "军绿", "灰色"], _DOWN,
     _APPAREL_ORIGIN, ["加厚连帽", "轻薄", "工装"], ["保暖外套", "冬季新款"], (900, 1500)),
    ("男装", "休闲裤", 6, _ALL, (99, 199), "M", "bottom", _M_COLORS, _POLY + _COTTON,
     _APPAREL_ORIGIN, ["直筒", "束脚", "冰丝", "工装"], ["长裤", "九分裤", "运动裤"], (300, 500)),
    ("男装", "牛仔裤", 5, _ALL, (129, 239), "M", "bottom", ["浅蓝", "深蓝", "黑色"], _DENIM,
     _APPAREL_ORIGIN, ["直筒宽松", "修身小脚", "弹力"], ["长裤", "潮流"], (550, 750)),
    ("男装", "短裤", 4, _SUMMER, (59, 129), "M", "shorts", _M_COLORS, _COTTON + _POLY,
     _APPAREL_ORIGIN, ["速干", "工装", "纯棉"], ["五分裤", "运动短裤"], (180, 300)),
    ("男装", "毛衣", 4, _WINTER, (159, 299), "M", "top_l", _M_COLORS, _KNIT,
     _APPAREL_ORIGIN, ["半高领", "圆领", "绞花"], ["针织衫", "打底"], (400, 600)),
    ("童装", "儿童卫衣", 6, _WINTER, (69, 139), "K", "kids", _K_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["卡通", "加绒", "连帽"], ["男童女童", "宝宝上衣"], (200, 350)),
    ("童装", "儿童套装", 8, _ALL, (99, 199), "K", "kids", _K_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["运动", "洋气", "纯棉"], ["两件套", "中大童", "春秋款"], (300, 500)),
    ("童装", "儿童羽绒服", 5, _WINTER, (199, 399), "K", "kids", _K_COLORS, _DOWN,
     _APPAREL_ORIGIN, ["轻薄", "加厚", "连帽"], ["中大童外套", "宝宝冬装"], (400, 700)),
    ("童装", "女童连衣裙", 6, _SUMMER, (79, 169), "K", "kids", ["粉色", "白色", "鹅黄", "碎花"], _COTTON,
     _APPAREL_ORIGIN, ["公主风", "碎花", "纯棉"], ["夏装裙子", "洋气"], (150, 300)),
    ("童装", "儿童运动裤", 5, _ALL, (59, 119), "K", "kids", _K_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["束脚", "纯棉", "防蚊"], ["男童长裤", "中大童"], (180, 300)),
    ("童装", "儿童T恤", 5, _SUMMER, (39, 79), "K", "kids", _K_COLORS, _COTTON,
     _APPAREL_ORIGIN, ["纯棉短袖", "卡通印花"], ["宝宝上衣", "夏装"], (100, 180)),
    ("鞋靴", "小白鞋", 5, _ALL, (129, 259), "SU", "shoes", ["白色", "白绿", "白黑"], _SHOE,
     _SHOE_ORIGIN, ["百搭", "真皮", "厚底"], ["板鞋", "休闲鞋", "学生鞋"], (700, 950)),
    ("鞋靴", "运动鞋", 6, _ALL, (159, 329), "SU", "shoes", ["白色", "黑色", "灰色", "米色"], _SHOE,
     _SHOE_ORIGIN, ["轻便透气", "减震", "网面"], ["跑步鞋", "休闲鞋"], (600, 900)),
    ("鞋靴", "老爹鞋", 4, _ALL, (169, 299), "SW", "shoes", ["米白", "灰粉", "黑色"], _SHOE,
     _SHOE_ORIGIN, ["增高厚底", "复古"], ["女鞋", "运动休闲鞋"], (700, 900)),
    ("鞋靴", "乐福鞋", 4, _ALL, (159, 289), "SW", "shoes", ["黑色", "棕色", "米白"], _SHOE,
     _SHOE_ORIGIN, ["英伦风", "软底", "一脚蹬"], ["女单鞋", "小皮鞋"], (500, 700)),
    ("鞋靴", "切尔西靴", 3, _WINTER, (229, 399), "SU", "shoes", ["黑色", "棕色"], _SHOE,
     _SHOE_ORIGIN, ["真皮", "厚底", "加绒"], ["短靴", "马丁靴"], (900, 1200)),
    ("鞋靴", "雪地靴", 4, _WINTER, (159, 299), "SW", "shoes", ["栗色", "黑色", "灰色"], _SHOE,
     _SHOE_ORIGIN, ["加绒加厚", "防滑", "一体"], ["女棉鞋", "短靴"], (800, 1100)),
    ("鞋靴", "凉鞋", 4, _SUMMER, (89, 189), "SW", "shoes", ["黑色", "米色", "银色"], _SHOE,
     _SHOE_ORIGIN, ["罗马", "仙女风", "平底"], ["女鞋", "夏季凉鞋"], (350, 500)),
    ("鞋靴", "帆布鞋", 4, _ALL, (69, 149), "SU", "shoes", ["白色", "黑色", "米色"], _SHOE,
     _SHOE_ORIGIN, ["低帮", "高帮", "经典"], ["学生鞋", "情侣鞋"], (500, 700)),
    ("鞋靴", "男士皮鞋", 4, _ALL, (199, 399), "SM", "shoes", ["黑色", "棕色"], _SHOE,
     _SHOE_ORIGIN, ["商务正装", "真皮", "软底"], ["德比鞋", "男鞋"], (800, 1100)),
    ("箱包配饰", "托特包", 4, _ALL, (99, 299), "F", "", ["黑色", "米白", "棕色", "绿色"], ["PU", "牛皮", "帆布"],
     _BAG_ORIGIN, ["大容量", "通勤", "简约"], ["单肩包", "女包"], (400, 800)),
    ("箱包配饰", "斜挎包", 5, _ALL, (79, 229), "F", "", ["黑色", "米白", "焦糖色", "灰色"], ["PU", "牛皮", "尼龙"],
     _BAG_ORIGIN, ["小方包", "腋下", "马鞍包"], ["女包", "百搭"], (250, 500)),
    ("箱包配饰", "双肩包", 4, _ALL, (99, 239), "F", "", ["黑色", "灰色", "藏青"], ["尼龙", "牛津布"],
     _BAG_ORIGIN, ["大容量", "防泼水", "通勤"], ["电脑包", "学生书包"], (500, 900)),
    ("箱包配饰", "帆布包", 4, _ALL, (39, 89), "F", "", ["米白", "黑色", "印花"], ["帆布"],
     _BAG_ORIGIN, ["文艺", "大容量", "印花"], ["单肩包", "购物袋"], (200, 350)),
    ("箱包配饰", "钱包", 3, _ALL, (69, 169), "F", "", ["黑色", "粉色", "棕色"], ["牛皮", "PU"],
     _BAG_ORIGIN, ["短款", "长款", "卡包"], ["女士钱夹", "零钱包"], (80, 200)),
    ("箱包配饰", "围巾", 4, _WINTER, (59, 199), "F", "", ["燕麦色", "驼色", "格纹", "酒红色"], _WOOL,
     _BAG_ORIGIN, ["羊毛", "格纹", "纯色"], ["保暖披肩", "男女通用"], (150, 300)),
    ("箱包配饰", "帽子", 4, _ALL, (39, 99), "F", "", ["黑色", "米白", "卡其色"], ["棉100%", "腈纶100%"],
     _BAG_ORIGIN, ["棒球帽", "渔夫帽", "针织帽"], ["遮阳", "百搭"], (80, 150)),
    ("箱包配饰", "腰带", 3, _ALL, (59, 159), "F", "", ["黑色", "棕色"], ["牛皮"],
     _BAG_ORIGIN, ["真皮", "简约", "复古"], ["皮带", "针扣"], (120, 200)),
    ("箱包配饰", "袜子", 4, _ALL, (19, 49), "F", "", ["混色", "黑色", "白色"], ["棉80% 锦纶17% 氨纶3%"],
     _BAG_ORIGIN, ["纯棉", "中筒", "船袜"], ["5双装", "吸汗防臭"], (100, 250)),
    ("家居日用", "四件套", 5, _ALL, (199, 499), "1.5m床/1.8m床/2.0m床", "",
     ["奶油白", "雾霾蓝", "豆沙粉", "格纹"], ["棉100%", "天丝60% 棉40%", "水洗棉100%"],
     _HOME_ORIGIN, ["纯棉", "水洗棉", "天丝"], ["床上用品", "被套床单", "亲肤"], (1800, 3200)),
    ("家居日用", "毛巾", 4, _ALL, (29, 69), "34×74cm", "", ["白色", "浅灰", "粉色", "蓝色"], ["棉100%"],
     _HOME_ORIGIN, ["纯棉", "加厚", "A类"], ["洗脸巾", "3条装"], (250, 400)),
    ("家居日用", "抱枕", 3, _ALL, (39, 89), "45×45cm", "", ["奶油白", "燕麦色", "墨绿"], ["聚酯纤维100%"],
     _HOME_ORIGIN, ["北欧", "毛绒", "纯色"], ["沙发靠垫", "含芯"], (500, 800)),
    ("家居日用", "收纳盒", 4, _ALL, (25, 79), "小号/中号/大号", "", ["白色", "灰色", "透明"], ["PP"],
     _HOME_ORIGIN, ["可折叠", "带盖", "透明"], ["衣物收纳", "整理箱"], (300, 900)),
    ("家居日用", "保温杯", 4, _ALL, (59, 159), "350ml/500ml", "", ["白色", "黑色", "奶茶色", "薄荷绿"],
     ["316不锈钢", "304不锈钢"], _HOME_ORIGIN, ["大容量", "便携", "316不锈钢"], ["水杯", "学生"],
     (250, 400)),
    ("家居日用", "马克杯", 3, _ALL, (29, 69), "400ml", "", ["白色", "奶油黄", "雾蓝"], ["陶瓷"],
     _HOME_ORIGIN, ["ins风", "陶瓷", "带盖勺"], ["咖啡杯", "早餐杯"], (350, 450)),
    ("家居日用", "香薰", 3, _ALL, (49, 129), "100ml", "", ["白茶", "雪松", "小苍兰"], ["香精、乙醇、水"],
     _HOME_ORIGIN, ["无火", "持久留香", "卧室"], ["藤条香薰", "礼盒"], (300, 500)),
    ("家居日用", "衣架", 3, _ALL, (19, 49), "10个装/20个装", "", ["白色", "灰色"], ["PP", "实木"],
     _HOME_ORIGIN, ["防滑", "无痕", "加粗"], ["家用晾衣架"], (400, 900)),
    ("家居日用", "地垫", 3, _ALL, (29, 89), "40×60cm/50×80cm", "", ["灰色", "米色", "墨绿"], ["硅藻泥", "聚酯纤维"],
     _HOME_ORIGIN, ["吸水", "防滑", "速干"], ["浴室地垫", "门垫"], (400, 900)),
    ("美妆个护", "护手霜", 4, _WINTER, (29, 79), "30g", "", ["玫瑰", "樱花", "无香"], ["乳木果油、甘油"],
     _BEAUTY_ORIGIN, ["滋润保湿", "清爽不油腻"], ["3支装", "便携"], (100, 150)),
    ("美妆个护", "身体乳", 3, _ALL, (49, 129), "250ml", "", ["白茶", "牛奶", "无香"], ["烟酰胺、甘油"],
     _BEAUTY_ORIGIN, ["烟酰胺", "保湿", "香体"], ["润肤露"], (300, 400)),
    ("美妆个护", "洗面奶", 4, _ALL, (39, 99), "100g", "", ["标准装"], ["氨基酸表活、甘油"],
     _BEAUTY_ORIGIN, ["氨基酸", "温和", "控油"], ["洁面乳", "敏感肌"], (130, 180)),
    ("美妆个护", "面膜", 4, _ALL, (39, 119), "5片装/10片装", "", ["补水款", "修护款"], ["透明质酸钠、积雪草提取物"],
     _BEAUTY_ORIGIN, ["补水", "舒缓修护", "熬夜"], ["贴片面膜"], (200, 450)),
    ("美妆个护", "口红", 4, _ALL, (69, 169), "3.5g", "", ["#01正红", "#02豆沙", "#03枫叶", "#04奶茶"],
     ["蜂蜡、维生素E"], _BEAUTY_ORIGIN, ["丝绒哑光", "滋润", "显白"], ["唇膏", "礼盒"], (50, 90)),
    ("美妆个护", "防晒霜", 3, _SUMMER, (59, 139), "50ml", "", ["标准装"], ["氧化锌、二氧化钛"],
     _BEAUTY_ORIGIN, ["清爽", "SPF50+", "户外"], ["隔离防晒乳"], (80, 120)),
    ("美妆个护", "洗发水", 3, _ALL, (39, 99), "500ml", "", ["控油款", "柔顺款"], ["氨基酸表活、生姜提取物"],
     _BEAUTY_ORIGIN, ["控油蓬松", "去屑", "无硅油"], ["洗发露"], (550, 650)),
    ("美妆个护", "卸妆水", 3, _ALL, (49, 109), "400ml", "", ["标准装"], ["水、甘油、泊洛沙姆"],
     _BEAUTY_ORIGIN, ["温和", "深层清洁"], ["卸妆液", "敏感肌"], (420, 480)),
]

_SIZES = {
    "W": ["S", "M", "L", "XL", "XXL"],
    "M": ["S", "M", "L", "XL", "XXL"],
    "K": ["90", "100", "110", "120", "130", "140", "150"],
    "SW": [str(s) for s in range(35, 41)],
    "SM": [str(s) for s in range(38, 45)],
    "SU": [str(s) for s in range(35, 45)],
}
# height and weight ranges recommended for each apparel size (min, max inclusive)
_W_FIT = [(150, 157, 40, 47), (158, 162, 48, 53), (163, 167, 54, 59), (168, 172, 60, 66), (173, 178, 67, 75)]
_M_FIT = [(160, 167, 50, 59), (168, 172, 60, 67), (173, 177, 68, 75), (178, 182, 76, 83), (183, 188, 84, 92)]
_K_FIT = [(12, 13), (14, 15), (16, 18), (19, 22), (23, 27), (28, 33), (34, 40)]
_TIPS = {-1: "偏小一码", 0: "尺码标准", 1: "偏大一码"}
_MONTHS = {_SUMMER: [2, 3, 4, 5], _WINTER: [8, 9, 10, 11], _ALL: list(range(1, 13))}


def _listed(rng: random.Random, season: str) -> date:
    while True:
        year = rng.choices([2023, 2024, 2025, 2026], weights=[1, 3, 4, 3])[0]
        d = date(year, rng.choice(_MONTHS[season]), rng.randint(1, 28))
        if d <= date(2026, 10, 20):
            return d


def _prefix(d: date, category: str) -> str:
    if category in ("家居日用", "美妆个护", "箱包配饰"):
        return ""
    season = {2: "春季", 3: "春季", 4: "春季", 5: "夏季", 6: "夏季", 7: "夏季",
              8: "秋季", 9: "秋季", 10: "秋季"}.get(d.month, "冬季")
    return f"{d.year}{season}新款"


def _price(rng: random.Random, lo: int, hi: int) -> int:
    """A shop price in fen ending in 9 yuan (e.g. 15900)."""
    return (rng.randint(lo // 10, hi // 10) * 10 + 9) * 100


def make_products() -> list[dict]:
    """The catalogue as dicts; keys starting with '_' are hidden traits the other tables use."""
    rng = stream("products")
    out: list[dict] = []
    names: set[str] = set()
    for (cat, sub, n, season, (lo, hi), kind, chart, colors, materials, origins, styles,
         features, (wlo, whi)) in _SPECS:
        for _ in range(n):
            listed = _listed(rng, season)
            suffix = {"女装": "女", "男装": "男"}.get(cat, "")
            for attempt in range(30):
                style, feat = rng.choice(styles), rng.choice(features)
                name = f"{_prefix(listed, cat)}{style}{sub}{suffix}{feat}"
                if attempt > 10:
                    name += rng.choice(["", "-A款", "-B款", "升级款", "加大码"])
                if name not in names:
                    break
            names.add(name)
            price = _price(rng, lo, hi)
            discount = rng.choice([100, 95, 90, 88, 85, 80, 75])
            promo = price if discount == 100 else price // 100 * discount // 100 * 100 + 90
            sizes = _SIZES.get(kind)
            fit = rng.choices([-1, 0, 1], weights=[2, 6, 1])[0] if sizes else 0
            pick = rng.sample(colors, min(len(colors), rng.randint(2, 4)))
            out.append({
                "sku": f"SP{len(out) + 1:04d}", "name": name, "category": cat, "price": price,
                "promo_price": promo, "material": rng.choice(materials),
                "origin": rng.choice(origins), "listed": listed, "subcategory": sub,
                "season": season, "colors": pick, "sizes": sizes or (["均码"] if kind == "F" else kind.split("/")),
                "size_tip": _TIPS[fit] if sizes else "", "weight_g": rng.randint(wlo, whi),
                "_kind": kind, "_chart": chart, "_fit": fit, "_short": f"{style}{sub}",
                "_quality": 0.55 + 0.45 * rng.random(),
                "_pop": 1.0 / (1 + rng.randint(0, 60)),
                "stock": 0 if rng.random() < 0.08 else rng.randint(3, 800),
                "monthly_sales": 0,
            })
    return out


def size_chart(p: dict) -> list[dict]:
    """The size chart rows of one product (empty for products without sizes); computed once."""
    if "_size_chart" not in p:
        p["_size_chart"] = _size_chart(p)
    return p["_size_chart"]


def _size_chart(p: dict) -> list[dict]:
    kind, chart, ease = p["_kind"], p["_chart"], (int(p["sku"][2:]) * 7) % 5 - 2
    rows = []
    for i, size in enumerate(_SIZES.get(kind, [])):
        r = dict.fromkeys(SIZE_HEADER, "")
        r["sku"], r["size"] = p["sku"], size
        if kind in ("W", "M"):
            hmin, hmax, wmin, wmax = (_W_FIT if kind == "W" else _M_FIT)[i]
            r.update(height_min_cm=hmin, height_max_cm=hmax, weight_min_kg=wmin, weight_max_kg=wmax)
            base = 84 if kind == "W" else 94
            if chart in ("top_s", "top_l", "outer", "dress"):
                loose = 10 if chart == "outer" else 4
                r["bust_cm"] = base + 4 * i + ease + loose
            if chart in ("top_s", "top_l", "outer"):
                r["shoulder_cm"] = (37 if kind == "W" else 43) + i
                r["sleeve_cm"] = (19 if kind == "W" else 21) + i if chart == "top_s" else 58 + i + (kind == "M") * 3
                r["length_cm"] = (60 if kind == "W" else 68) + 2 * i + (20 if chart == "outer" else 0)
            if chart in ("dress", "bottom", "skirt", "shorts"):
                r["waist_cm"] = (64 if kind == "W" else 74) + 4 * i + ease
            if chart in ("bottom", "skirt", "shorts"):
                r["hip_cm"] = (90 if kind == "W" else 98) + 4 * i + ease
                r["length_cm"] = {"bottom": 96, "skirt": 70, "shorts": 50}[chart] + i * (2 if chart == "bottom" else 1)
            if chart == "dress":
                r["length_cm"] = 105 + 2 * i
        elif kind == "K":
            h = int(size)
            r.update(height_min_cm=h - 5, height_max_cm=h + 4,
                     weight_min_kg=_K_FIT[i][0], weight_max_kg=_K_FIT[i][1])
            r["bust_cm"] = 54 + 4 * i + ease
            r["length_cm"] = 38 + 3 * i
        else:
            r["foot_length_mm"] = 225 + 5 * (int(size) - 35)
        rows.append(r)
    return rows


def recommend_size(p: dict, height: int, weight: int) -> str | None:
    """The chart's size for a buyer's height (cm) and weight (kg), or None when nothing fits."""
    chart = size_chart(p)
    if not chart or chart[0]["height_min_cm"] == "":
        return None
    for r in chart:
        if height <= r["height_max_cm"] and weight <= r["weight_max_kg"]:
            return r["size"]
    return chart[-1]["size"]


def rows(products: list[dict]) -> list[list]:
    """products.csv rows, in sku order."""
    out = []
    for p in products:
        out.append([
            p["sku"], p["name"], p["category"], yuan(p["price"]), yuan(p["promo_price"]), p["stock"],
            p["material"], p["origin"], fmt_date(p["listed"]), p["monthly_sales"], p["subcategory"],
            p["season"], "/".join(p["colors"]), "/".join(p["sizes"]), p["size_tip"], p["weight_g"],
        ])
    return out


def size_rows(products: list[dict]) -> list[list]:
    """size_charts.csv rows, by sku then size order."""
    return [[r[c] for c in SIZE_HEADER] for p in products for r in size_chart(p)]


def write(out_dir, products: list[dict]) -> dict:
    """Write products.csv and size_charts.csv."""
    return {
        "products": write_csv(out_dir / "products.csv", HEADER, rows(products)),
        "size_charts": write_csv(out_dir / "size_charts.csv", SIZE_HEADER, size_rows(products)),
    }

