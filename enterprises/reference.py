"""The reference lists as data: GB/T 4754-2017 divisions the zone meets, areas, qualifications.

A data migration seeds them; staff extend them in the admin. Names are the standard's names.
"""

import re

# Section letters of GB/T 4754-2017 (A-T).
SECTIONS = "ABCDEFGHIJKLMNOPQRST"
# The form of a GB/T 4754 code as policies and companies use it: a section letter and 2-4
# digits (I65, I6513).
INDUSTRY_CODE_RE = re.compile(r"^[A-T][0-9]{2,4}$")

# (code, Chinese name, English name)
INDUSTRIES = [
    ("A01", "农业", "Agriculture"),
    ("B06", "煤炭开采和洗选业", "Coal mining and washing"),
    ("C13", "农副食品加工业", "Agricultural and sideline food processing"),
    ("C14", "食品制造业", "Food manufacturing"),
    ("C26", "化学原料和化学制品制造业", "Chemical raw materials and products"),
    ("C27", "医药制造业", "Pharmaceutical manufacturing"),
    ("C29", "橡胶和塑料制品业", "Rubber and plastic products"),
    ("C33", "金属制品业", "Fabricated metal products"),
    ("C34", "通用设备制造业", "General-purpose machinery"),
    ("C35", "专用设备制造业", "Special-purpose machinery"),
    ("C36", "汽车制造业", "Automobile manufacturing"),
    (
        "C37",
        "铁路、船舶、航空航天和其他运输设备制造业",
        "Railway, ship, aerospace and other transport equipment",
    ),
    ("C38", "电气机械和器材制造业", "Electrical machinery and equipment"),
    (
        "C39",
        "计算机、通信和其他电子设备制造业",
        "Computer, communication and other electronic equipment",
    ),
    ("C40", "仪器仪表制造业", "Instruments and meters"),
    ("D44", "电力、热力生产和供应业", "Electricity and heat production and supply"),
    ("E48", "土木工程建筑业", "Civil engineering construction"),
    ("F51", "批发业", "Wholesale trade"),
    ("F52", "零售业", "Retail trade"),
    ("G54", "道路运输业", "Road transport"),
    ("G60", "邮政业", "Postal services"),
    ("H62", "餐饮业", "Catering"),
    (
        "I63",
        "电信、广播电视和卫星传输服务",
        "Telecommunications, broadcasting and satellite transmission",
    ),
    ("I64", "互联网和相关服务", "Internet and related services"),
    ("I65", "软件和信息技术服务业", "Software and information technology services"),
    ("J66", "货币金融服务", "Monetary and financial services"),
    ("J67", "资本市场服务", "Capital market services"),
    ("J69", "其他金融业", "Other financial services"),
    ("K70", "房地产业", "Real estate"),
    ("L71", "租赁业", "Leasing"),
    ("L72", "商务服务业", "Business services"),
    ("M73", "研究和试验发展", "Research and experimental development"),
    ("M74", "专业技术服务业", "Professional technical services"),
    ("M75", "科技推广和应用服务业", "Technology promotion and application services"),
    ("N77", "生态保护和环境治理业", "Ecological protection and environmental management"),
    ("P83", "教育", "Education"),
    ("Q84", "卫生", "Health"),
    ("R86", "新闻和出版业", "News and publishing"),
    ("R87", "广播、电视、电影和录音制作业", "Radio, television, film and sound recording"),
    ("R88", "文化艺术业", "Culture and arts"),
]

AREAS = [
    ("south", "南部园区", "South Park"),
    ("west", "西部园区", "West Park"),
    ("east", "东部新区（未来科技城）", "East Area (Future Science City)"),
    ("biotown", "天府国际生物城", "Tianfu International Biotown"),
]

QUALIFICATIONS = [
    ("hnte", "高新技术企业", "High and New Technology Enterprise", "证书有效期三年。"),
    ("tsme", "科技型中小企业", "Technology-based SME", "每年评价一次。"),
    (
        "srdi",
        "专精特新中小企业",
        "Specialised, refined, distinctive and innovative SME",
        "省级认定。",
    ),
    ("little_giant", "专精特新“小巨人”企业", "National “little giant” enterprise", "国家级认定。"),
    ("gazelle", "瞪羚企业", "Gazelle enterprise", "高新区每年认定。"),
    ("unicorn", "独角兽（潜在独角兽）企业", "(Potential) unicorn enterprise", ""),
    ("tech_center", "企业技术中心", "Enterprise technology centre", "市级、省级或国家级。"),
]

SIZES = [
    ("micro", "微型", "Micro"),
    ("small", "小型", "Small"),
    ("medium", "中型", "Medium"),
    ("large", "大型", "Large"),
]
