"""Seeded, believable test data for the search benchmark: policies, companies, queries.

Nothing here touches Django models, the database or Elasticsearch: it only produces plain
records (dicts and ``Facts``), so the same seed always yields the same corpus.

Distributions (see benchmarks/README.md for the reasoning):

- Policies: a topic from the zone's vocabulary (研发费用补贴, 高新技术企业认定奖励, 集成电路流片,
  生物医药临床试验, 人才安居, 贷款贴息, 首台套, 数据要素, 算力券 …) decides the title, department,
  type, the text and the criteria the policy most naturally restricts; 0–5 criteria per policy
  (2–5 for most), apply-free ≈ 10 %, effective dates over the last seven years, ~20 %
  open-ended, the others expiring 1–5 years after they took effect (so a good share expired).
- Companies: GB/T 4754 industries skewed to I65/C39/C27/M73/I64 with deeper (4-digit) codes,
  log-normal employees and revenue, R&D ratios 0–15 % (higher in technology industries), ~30 %
  holding a high and new technology enterprise (HNTE) certificate valid around today, and one
  to three facts unknown for ~10 % of companies.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field
from decimal import Decimal

from enterprises.reference import AREAS, INDUSTRIES
from policies.matching import Facts, HeldQualification

# --- reference vocabulary -------------------------------------------------------------------

DEPARTMENTS = [
    # (name, English name, document number prefix, weight)
    ("成都高新区科技创新局", "Science and Technology Innovation Bureau", "成高科发", 18),
    ("成都高新区新经济发展局", "New Economy Development Bureau", "成高新经发", 16),
    ("成都高新区经济运行局", "Economic Operation Bureau", "成高经发", 14),
    ("成都高新区财政金融局", "Finance Bureau", "成高财金发", 12),
    ("成都高新区生物产业发展局", "Bio-industry Development Bureau", "成高生物发", 10),
    ("成都高新区电子信息产业发展局", "Electronic Information Industry Bureau", "成高电子发", 9),
    (
        "成都高新区党群工作部（人才工作办公室）",
        "Talent Work Office",
        "成高人才办发",
        8,
    ),
    ("成都高新区投资服务局", "Investment Service Bureau", "成高投服发", 6),
    ("成都高新区管委会", "Administrative Committee", "成高管发", 4),
    ("成都高新区市场监督管理局", "Market Regulation Bureau", "成高市监发", 2),
    ("国家税务总局成都高新技术产业开发区税务局", "Tax Bureau of the zone", "成高税发", 1),
]

AREA_CODES = [code for code, _zh, _en in AREAS]  # south, west, east, biotown
AREA_NAMES = {code: zh for code, zh, _en in AREAS}
DIVISIONS = [code for code, _zh, _en in INDUSTRIES]
DIVISION_NAMES = {code: zh for code, zh, _en in INDUSTRIES}

# Deeper GB/T 4754-2017 codes (classes) under the divisions the zone meets most.
DEEPER_CODES = {
    "I65": [
        "I6511",
        "I6512",
        "I6513",
        "I6519",
        "I6520",
        "I6531",
        "I6532",
        "I6540",
        "I6550",
        "I6560",
        "I6571",
        "I6572",
        "I6579",
        "I6591",
        "I6599",
        "I651",
        "I652",
        "I653",
    ],
    "I64": [
        "I6410",
        "I6421",
        "I6422",
        "I6429",
        "I6431",
        "I6432",
        "I6433",
        "I6434",
        "I6439",
        "I6440",
        "I6450",
        "I6490",
        "I643",
    ],
    "C39": [
        "C3911",
        "C3912",
        "C3914",
        "C3919",
        "C3921",
        "C3922",
        "C3961",
        "C3963",
        "C3971",
        "C3972",
        "C3973",
        "C3974",
        "C3976",
        "C3979",
        "C3981",
        "C3982",
        "C397",
        "C398",
    ],
    "C27": ["C2710", "C2720", "C2730", "C2740", "C2761", "C2762", "C2770", "C2780", "C276"],
    "M73": ["M7310", "M7320", "M7340", "M7350", "M734"],
    "C35": ["C3544", "C3581", "C3583", "C3584", "C3585", "C3589", "C358"],
    "C40": ["C4011", "C4014", "C4015", "C4021", "C4028", "C401"],
    "C38": ["C3811", "C3824", "C3841", "C3849", "C3874", "C384"],
    "C34": ["C3411", "C3441", "C3491", "C3499", "C349"],
    "M74": ["M7451", "M7452", "M7461", "M7491", "M745"],
    "M75": ["M7511", "M7512", "M7513", "M7520", "M751"],
    "L72": ["L7211", "L7221", "L7241", "L7281", "L7299", "L724"],
}

# Company industry mix: the zone is software, electronics, pharma, R&D and internet first.
COMPANY_DIVISION_WEIGHTS = {
    "I65": 24,
    "C39": 11,
    "C27": 8,
    "M73": 8,
    "I64": 8,
    "M74": 5,
    "L72": 5,
    "M75": 4,
    "C35": 3.5,
    "C40": 2.5,
    "C38": 2.5,
    "F51": 3,
    "F52": 1.5,
    "J67": 1.2,
    "J69": 0.8,
    "K70": 1,
    "C34": 1.5,
    "C36": 0.6,
    "C37": 0.7,
    "I63": 0.8,
    "R86": 0.6,
    "R87": 0.7,
    "R88": 0.5,
    "P83": 0.7,
    "Q84": 0.6,
    "H62": 0.8,
    "E48": 0.6,
    "N77": 0.4,
    "C26": 0.5,
    "C29": 0.3,
    "C33": 0.3,
    "C13": 0.2,
    "C14": 0.3,
    "G54": 0.3,
    "G60": 0.1,
    "J66": 0.3,
    "L71": 0.4,
    "D44": 0.2,
    "A01": 0.1,
    "B06": 0.05,
}
TECH_DIVISIONS = {"I65", "I64", "C39", "C27", "M73", "C35", "C40", "C38", "C34", "M74", "M75"}

# Business scope (经营范围) phrases per division; companies of other divisions use generic ones.
SCOPE_PHRASES = {
    "I65": [
        "软件开发",
        "信息技术咨询服务",
        "信息系统集成服务",
        "数据处理和存储支持服务",
        "人工智能应用软件开发",
        "集成电路设计",
        "网络与信息安全软件开发",
        "物联网技术服务",
        "工业互联网数据服务",
        "云计算装备技术服务",
    ],
    "I64": [
        "互联网数据服务",
        "互联网信息服务",
        "网络技术服务",
        "数字内容制作服务",
        "互联网销售",
        "大数据服务",
        "互联网平台服务",
    ],
    "C39": [
        "集成电路制造",
        "集成电路芯片及产品销售",
        "电子元器件制造",
        "通信设备制造",
        "光电子器件制造",
        "半导体分立器件制造",
        "显示器件制造",
        "智能车载设备制造",
    ],
    "C27": [
        "药品生产",
        "药品批发",
        "生物药品制造",
        "化学药品制剂制造",
        "医学研究和试验发展",
        "中药饮片加工",
        "创新药研发",
        "医疗器械生产",
    ],
    "M73": [
        "医学研究和试验发展",
        "工程和技术研究和试验发展",
        "自然科学研究和试验发展",
        "生物技术研发",
        "新材料技术研发",
        "技术服务、技术开发、技术咨询、技术交流",
    ],
    "C35": [
        "第二类医疗器械生产",
        "第三类医疗器械生产",
        "专用设备制造",
        "智能机器人研发",
        "医疗设备租赁",
    ],
    "C40": ["仪器仪表制造", "电子测量仪器制造", "实验分析仪器制造", "智能仪器仪表销售"],
}
GENERIC_SCOPE = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "企业管理咨询",
    "会议及展览服务",
    "货物进出口",
    "技术进出口",
    "广告设计、代理",
    "市场营销策划",
    "日用百货销售",
    "办公设备租赁服务",
]

NAME_CITY = ["成都", "四川", "天府", "蓉城"]
NAME_BRAND = [
    "芯源",
    "云图",
    "华测",
    "启明",
    "锐思",
    "天翼",
    "博远",
    "精准",
    "康诺",
    "睿达",
    "极光",
    "安达",
    "微纳",
    "智云",
    "海创",
    "科伦",
    "新越",
    "中科",
    "蓝鲸",
    "星河",
    "长虹",
    "英创",
    "雅创",
    "先导",
    "德源",
    "中电",
    "银河",
    "金盘",
    "通威",
    "卓越",
]
NAME_TRADE = {
    "I65": "信息技术",
    "I64": "网络科技",
    "C39": "微电子",
    "C27": "生物医药",
    "M73": "生物科技",
    "C35": "医疗科技",
    "C40": "仪器",
    "C38": "电气",
    "C34": "智能装备",
}


# Policy topics: (Chinese, English, policy type, department index, industries it names,
# the qualification it is about, the area it is tied to, criteria it naturally restricts).
@dataclass(frozen=True)
class Topic:
    zh: str
    en: str
    policy_type: str
    department: int
    industries: tuple[str, ...] = ()
    qualification: str | None = None
    area: str | None = None
    natural: tuple[str, ...] = ()
    benefit: str = "补贴"
    basis: str = "实际发生费用"


TOPICS = [
    Topic(
        "研发费用补贴",
        "R&D expense subsidy",
        "subsidy",
        0,
        ("I65", "C39", "C27", "M73", "C35", "C40"),
        "hnte",
        None,
        ("industries", "min_rd_ratio", "qualifications_any"),
        basis="上年度研发费用",
    ),
    Topic(
        "研发投入补贴",
        "R&D investment subsidy",
        "subsidy",
        0,
        ("I65", "C39", "C27", "M73"),
        None,
        None,
        ("min_rd_ratio", "requires_good_credit"),
        basis="研发投入增量",
    ),
    Topic(
        "高新技术企业认定奖励",
        "HNTE recognition award",
        "award",
        0,
        (),
        "hnte",
        None,
        ("qualifications_all", "min_years_established"),
        benefit="奖励",
    ),
    Topic(
        "高新技术企业培育库入库奖励",
        "HNTE cultivation pool award",
        "award",
        0,
        (),
        "tsme",
        None,
        ("qualifications_all", "sizes"),
        benefit="奖励",
    ),
    Topic(
        "瞪羚企业培育奖励",
        "gazelle enterprise award",
        "award",
        1,
        (),
        "gazelle",
        None,
        ("qualifications_all", "min_revenue_wan"),
        benefit="奖励",
    ),
    Topic(
        "专精特新中小企业认定奖励",
        "SRDI SME award",
        "award",
        2,
        (),
        "srdi",
        None,
        ("qualifications_all", "sizes"),
        benefit="奖励",
    ),
    Topic(
        "专精特新“小巨人”企业奖励",
        "little giant enterprise award",
        "award",
        2,
        (),
        "little_giant",
        None,
        ("qualifications_all",),
        benefit="奖励",
    ),
    Topic(
        "独角兽企业培育支持",
        "unicorn enterprise support",
        "award",
        1,
        (),
        "unicorn",
        None,
        ("qualifications_all", "min_years_established"),
        benefit="奖励",
    ),
    Topic(
        "集成电路设计企业流片补贴",
        "integrated circuit tape-out subsidy",
        "subsidy",
        5,
        ("I6520", "C3973", "C397"),
        None,
        None,
        ("industries", "min_rd_ratio"),
        basis="流片费用",
    ),
    Topic(
        "集成电路人才引进奖励",
        "integrated circuit talent award",
        "talent",
        6,
        ("I6520", "C39"),
        None,
        None,
        ("industries",),
        benefit="奖励",
    ),
    Topic(
        "生物医药临床试验补贴",
        "clinical trial subsidy for biomedicine",
        "subsidy",
        4,
        ("C27", "M73", "C2761", "M7340"),
        None,
        "biotown",
        ("industries", "areas"),
        basis="临床试验费用",
    ),
    Topic(
        "创新药注册上市奖励",
        "award for new drug approval",
        "award",
        4,
        ("C27",),
        None,
        "biotown",
        ("industries",),
        benefit="奖励",
    ),
    Topic(
        "医疗器械注册证奖励",
        "award for medical device registration",
        "award",
        4,
        ("C35", "C40", "C358"),
        None,
        None,
        ("industries",),
        benefit="奖励",
    ),
    Topic(
        "生物医药公共服务平台补贴",
        "biomedicine CRO/CDMO platform subsidy",
        "subsidy",
        4,
        ("M73", "M74"),
        None,
        "biotown",
        ("industries", "areas"),
        basis="服务合同额",
    ),
    Topic(
        "人才安居租房补贴",
        "talent housing rent subsidy",
        "talent",
        6,
        (),
        None,
        None,
        (),
        basis="实际租金",
    ),
    Topic(
        "蓉漂人才计划配套资助",
        "Rongpiao talent programme top-up",
        "talent",
        6,
        (),
        None,
        None,
        ("requires_good_credit",),
        benefit="资助",
    ),
    Topic(
        "高层次人才薪酬补贴",
        "salary subsidy for high-level talent",
        "talent",
        6,
        ("C39", "C27", "I65", "I64", "M73"),
        None,
        None,
        ("min_employees",),
        basis="年度薪酬",
    ),
    Topic(
        "高校毕业生就业见习补贴",
        "graduate internship subsidy",
        "talent",
        6,
        (),
        None,
        None,
        (),
        basis="见习人员生活补助",
    ),
    Topic(
        "中小微企业贷款贴息",
        "loan interest discount for SMEs",
        "finance",
        3,
        (),
        None,
        None,
        ("sizes", "requires_good_credit"),
        benefit="贴息",
        basis="实际支付利息",
    ),
    Topic(
        "知识产权质押融资贴息",
        "IP pledge financing interest discount",
        "finance",
        3,
        (),
        None,
        None,
        ("qualifications_any", "requires_good_credit"),
        benefit="贴息",
        basis="实际支付利息",
    ),
    Topic(
        "融资担保费补贴",
        "financing guarantee fee subsidy",
        "finance",
        3,
        (),
        None,
        None,
        ("sizes", "max_revenue_wan"),
        basis="担保费",
    ),
    Topic(
        "应急转贷资金支持",
        "bridge loan fund",
        "finance",
        3,
        (),
        None,
        None,
        ("sizes", "requires_good_credit"),
        benefit="支持",
        basis="转贷金额",
    ),
    Topic(
        "首台套重大技术装备奖励",
        "first-of-its-kind equipment award",
        "award",
        2,
        ("C34", "C35", "C38", "C40", "C39"),
        None,
        None,
        ("industries",),
        benefit="奖励",
        basis="产品销售额",
    ),
    Topic(
        "软件产品首版次应用奖励",
        "first-version software award",
        "award",
        1,
        ("I65",),
        None,
        None,
        ("industries", "min_years_established"),
        benefit="奖励",
        basis="首版次合同金额",
    ),
    Topic(
        "数据要素市场培育",
        "data elements market development",
        "subsidy",
        1,
        ("I64", "I65", "L72"),
        None,
        None,
        ("industries", "requires_good_credit"),
        basis="数据交易额",
    ),
    Topic(
        "人工智能算力券",
        "AI compute vouchers",
        "subsidy",
        1,
        ("I64", "I65", "M73"),
        None,
        None,
        ("industries", "sizes"),
        benefit="算力券",
        basis="算力服务费用",
    ),
    Topic(
        "中小企业上云用云补贴",
        "cloud adoption subsidy for SMEs",
        "subsidy",
        1,
        (),
        None,
        None,
        ("sizes",),
        basis="上云服务费用",
    ),
    Topic(
        "新经济应用场景示范补贴",
        "new-economy application scenario subsidy",
        "subsidy",
        1,
        ("I64", "I65"),
        None,
        None,
        ("industries", "min_years_established"),
        basis="项目投资额",
    ),
    Topic(
        "研发费用加计扣除",
        "R&D expense super deduction",
        "tax",
        10,
        (),
        None,
        None,
        (),
        benefit="税前加计扣除",
        basis="研发费用",
    ),
    Topic(
        "高新技术企业所得税优惠",
        "HNTE income tax incentive",
        "tax",
        10,
        (),
        "hnte",
        None,
        ("qualifications_all",),
        benefit="减按15%税率征收",
        basis="应纳税所得额",
    ),
    Topic(
        "软件产品增值税即征即退",
        "VAT refund on software products",
        "tax",
        10,
        ("I65",),
        None,
        None,
        ("industries",),
        benefit="即征即退",
        basis="增值税实际税负",
    ),
    Topic(
        "小型微利企业所得税减免",
        "income tax relief for small low-profit enterprises",
        "tax",
        10,
        (),
        None,
        None,
        ("sizes", "max_revenue_wan"),
        benefit="减免",
        basis="应纳税所得额",
    ),
    Topic(
        "孵化载体租金补贴",
        "incubator rent subsidy",
        "space",
        7,
        (),
        None,
        None,
        ("sizes", "max_revenue_wan"),
        basis="实际租金",
    ),
    Topic(
        "研发和生产用房租金补贴",
        "rent subsidy for R&D and production space",
        "space",
        4,
        ("C27", "C35", "C40", "M73"),
        None,
        "biotown",
        ("industries", "areas"),
        basis="实际租金",
    ),
    Topic(
        "未来科技城产业空间入驻支持",
        "Future Science City space support",
        "space",
        7,
        ("C37", "C39", "C35", "M73"),
        None,
        "east",
        ("areas", "industries"),
        basis="实际租金",
    ),
    Topic(
        "中试平台建设补贴",
        "pilot-scale platform subsidy",
        "subsidy",
        0,
        ("C27", "C39", "M73"),
        None,
        None,
        ("industries", "min_rd_ratio"),
        basis="设备投资额",
    ),
    Topic(
        "概念验证中心建设支持",
        "proof-of-concept centre support",
        "subsidy",
        0,
        ("M73", "M75"),
        None,
        None,
        ("industries", "min_employees"),
        benefit="支持",
        basis="建设投入",
    ),
    Topic(
        "企业技术中心认定奖励",
        "enterprise technology centre award",
        "award",
        2,
        (),
        "tech_center",
        None,
        ("qualifications_all", "min_employees"),
        benefit="奖励",
    ),
    Topic(
        "规模以上工业企业培育奖励",
        "award for enterprises above designated size",
        "award",
        2,
        ("C39", "C27", "C35", "C38", "C40"),
        None,
        None,
        ("industries", "min_revenue_wan"),
        benefit="奖励",
    ),
    Topic(
        "稳岗扩岗补贴",
        "job retention and expansion subsidy",
        "subsidy",
        2,
        (),
        None,
        None,
        (),
        basis="新增岗位数",
    ),
    Topic(
        "出口信用保险保费补贴",
        "export credit insurance premium subsidy",
        "finance",
        2,
        (),
        None,
        None,
        ("min_years_established", "requires_good_credit"),
        basis="保费",
    ),
    Topic(
        "总部经济企业落户奖励",
        "headquarters relocation award",
        "award",
        7,
        (),
        None,
        None,
        ("min_revenue_wan", "min_employees"),
        benefit="奖励",
    ),
    Topic(
        "具身智能产业发展支持",
        "embodied intelligence industry support",
        "subsidy",
        1,
        ("C34", "C38", "C39", "I65"),
        None,
        None,
        ("industries", "min_rd_ratio"),
        benefit="支持",
        basis="研发投入",
    ),
    Topic(
        "产学研协同创新项目资助",
        "industry-university-research project funding",
        "subsidy",
        0,
        ("M73", "M74", "M75"),
        "hnte",
        None,
        ("industries", "min_years_established"),
        benefit="资助",
        basis="项目总投入",
    ),
    Topic(
        "制造业智能化改造和数字化转型补贴",
        "manufacturing digital transformation subsidy",
        "subsidy",
        2,
        ("C39", "C35", "C40", "C27"),
        None,
        None,
        ("industries", "requires_good_credit"),
        basis="设备和软件投资额",
    ),
    Topic(
        "企业上市挂牌奖励",
        "listing award",
        "award",
        3,
        (),
        None,
        None,
        ("min_revenue_wan", "min_years_established"),
        benefit="奖励",
    ),
]

SECTORS = [
    "集成电路",
    "生物医药",
    "软件和信息技术服务",
    "人工智能",
    "数字经济",
    "新经济",
    "医疗器械",
    "高端装备制造",
    "新一代信息技术",
    "网络视听",
    "航空航天",
]
TITLE_KINDS = [
    # (pattern, weight, median body characters)
    ("{t}实施细则", 14, 1900),
    ("{t}管理办法", 12, 2200),
    ("{t}实施办法", 10, 2000),
    ("{y}年度{t}申报指南", 16, 1400),
    ("关于开展{y}年度{t}申报工作的通知", 14, 900),
    ("成都高新区{t}政策", 8, 1300),
    ("{t}政策指引", 8, 700),
    ("成都高新区关于支持{s}高质量发展的若干政策", 10, 3200),
    ("关于进一步做好{t}工作的通知", 8, 800),
]
GOALS = [
    "深入实施创新驱动发展战略",
    "加快建设世界一流高科技园区",
    "激发市场主体活力",
    "推动产业建圈强链",
    "优化营商环境",
    "支持企业加大研发投入",
    "促进科技成果转化",
    "稳定和扩大就业",
    "缓解中小企业融资难融资贵问题",
    "加快发展新质生产力",
]
CLAUSES = [
    "对首次认定的高新技术企业给予一次性奖励",
    "支持集成电路设计企业开展多项目晶圆（MPW）和工程流片",
    "对在天府国际生物城开展临床试验的创新药给予分阶段补贴",
    "鼓励企业享受研发费用加计扣除政策",
    "支持瞪羚企业和专精特新中小企业做大做强",
    "对获评国家级专精特新“小巨人”企业的给予奖励",
    "对中小微企业获得的银行贷款给予贷款贴息",
    "对首台套重大技术装备和首版次软件给予奖励",
    "推动数据要素市场化配置改革，培育数据交易主体",
    "面向中小企业发放人工智能算力券",
    "对引进的高层次人才给予人才安居支持",
    "对孵化载体内的初创企业给予租金补贴",
    "支持企业建设中试平台和概念验证中心",
    "对知识产权质押融资给予贴息和担保费补贴",
    "对规模以上工业企业稳增长给予奖励",
    "支持企业上云用云和数字化转型",
    "对符合条件的小型微利企业减免企业所得税",
    "对新认定的企业技术中心给予奖励",
    "支持企业牵头组建创新联合体，承担国家和省级重大科技项目",
    "对新获批的国家级、省级重点实验室和工程技术研究中心给予配套支持",
    "鼓励企业开展发明专利布局和PCT国际专利申请",
    "支持网络视听和数字文创企业开发原创精品内容",
    "对新建或改造的智能工厂、数字化车间给予补助",
    "支持航空航天、低空经济企业开展适航取证",
    "对通过一致性评价的仿制药给予奖励",
    "对获得第二类、第三类医疗器械注册证的产品给予奖励",
    "支持企业引进海外高层次人才和急需紧缺专业人才",
    "对新招用高校毕业生并签订一年以上劳动合同的企业给予一次性扩岗补助",
    "对企业在境内外资本市场上市挂牌给予分阶段奖励",
    "支持企业参与制定国际标准、国家标准和行业标准",
    "对首次获评的规模以上服务业企业给予奖励",
    "鼓励银行机构开发“科创贷”“人才贷”等信贷产品",
    "支持创业投资机构投资区内种子期、初创期科技型企业",
    "推动开放应用场景，支持新技术新产品首试首用",
]
TAILS = [
    "所需资金由高新区产业发展专项资金列支，年度支持总额不超过{n}万元。",
    "同一项目不重复享受高新区同类政策支持。",
    "具体标准以年度申报指南为准。",
    "支持资金按照“先审后拨”方式分年度兑现，单户年度支持总额不超过{n}万元。",
    "对上一年度已获同类支持的企业，按增量部分核定。",
]
APPLY_STEPS = [
    "企业通过成都高新区企业服务门户“项目申报”栏目在线提交申请，{d}自受理之日起15个工作日内完成"
    "审核，审核结果公示5个工作日无异议后拨付资金。",
    "本政策实行“免申即享”，{d}依托部门数据共享主动识别符合条件的企业，企业无需提交申请。",
    "申报材料包括：申请表、营业执照、上年度财务审计报告、研发费用专项审计报告及相关证明材料。",
]
# Administrative paragraphs every kind of policy text has (funds, audits, materials, terms).
ADMIN_PARAGRAPHS = [
    "支持资金实行总额控制、据实核定，年度资金不足时按比例核减。",
    "申请单位对申报材料的真实性、准确性和完整性负责，主管部门会同财政部门对申报材料进行审核。",
    "主管部门可委托第三方专业机构开展专项审计或现场核查，核查结果作为资金拨付的依据。",
    "获得支持的单位应当按照有关规定使用资金，自觉接受财政、审计等部门的监督检查。",
    "对获得支持的项目实行绩效评价，评价结果作为后续支持的重要参考。",
    "申报主体应当在高新区持续经营，获得支持之日起五年内不得迁出注册地或变更纳税义务地。",
    "本办法所称“以上”“不低于”包含本数，“以下”“不超过”不包含本数，另有说明的除外。",
    "本办法所称营业收入、纳税额以企业所得税汇算清缴数据或经审计的财务报表为准。",
    "已享受市级及以上同类支持的项目，高新区按照差额补足的原则给予支持。",
    "主管部门应当在门户网站公开申报条件、办理流程和办理时限，接受社会监督。",
    "申报材料包括：申请表、营业执照复印件、上年度财务报表、相关合同及支付凭证等证明材料。",
    "对申报过程中存在的问题，申请单位可在公示期内向主管部门提出书面意见。",
    "主管部门每年组织一次集中申报，具体时间以当年发布的通知为准。",
    "资金拨付后，主管部门建立项目档案，对项目实施情况进行跟踪管理。",
    "企业存在违法违规行为被依法查处、尚在整改期内的，不予支持。",
]
CLOSING = [
    "同一企业同一事项符合高新区多项支持政策的，按照“就高不重复”原则予以支持。",
    "企业以弄虚作假等手段骗取支持资金的，全额追回已拨付资金，并依法依规纳入失信记录。",
    "本政策所称研发费用，按照财政部、税务总局有关研发费用加计扣除的口径归集。",
]

QUAL_POOL = [
    ("hnte", 65),
    ("tsme", 10),
    ("srdi", 10),
    ("gazelle", 6),
    ("little_giant", 4),
    ("tech_center", 4),
    ("unicorn", 1),
]
# How often a key is among a policy's restrictions (before topic preferences).
KEY_WEIGHTS = [
    ("industries", 0.55),
    ("qualifications_all", 0.42),
    ("requires_good_credit", 0.40),
    ("sizes", 0.30),
    ("min_years_established", 0.25),
    ("min_rd_ratio", 0.22),
    ("min_revenue_wan", 0.25),
    ("areas", 0.20),
    ("min_employees", 0.08),
    ("qualifications_any", 0.08),
    ("max_revenue_wan", 0.05),
]
CRITERIA_COUNT_WEIGHTS = [(0, 5), (1, 10), (2, 25), (3, 30), (4, 20), (5, 10)]
SIZE_SETS = [
    (("micro", "small", "medium"), 50),
    (("micro", "small"), 25),
    (("small", "medium"), 10),
    (("medium", "large"), 5),
    (("micro",), 5),
    (("large",), 5),
]


def _pick(rng: random.Random, weighted):
    items, weights = zip(*weighted, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _chinese_number(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


# --- policies ---------------------------------------------------------------------------


@dataclass
class PolicyRecord:
    """One generated policy, shaped like a row of the import file (docs/policy-import.md)."""

    pk: int
    external_id: str
    title: str
    title_en: str
    department: int  # index into DEPARTMENTS
    document_number: str
    policy_type: str
    effective_date: datetime.date
    expiry_date: datetime.date | None
    summary: str
    summary_en: str
    body: list[str]  # paragraphs
    interpretation: str  # rich text HTML, as stored on the page
    apply_free: bool
    tags: list[str]
    criteria: dict = field(default_factory=dict)


def _criteria_for(rng: random.Random, topic: Topic) -> dict:
    count = _pick(rng, CRITERIA_COUNT_WEIGHTS)
    keys: list[str] = []
    for key in topic.natural:
        if len(keys) < count and rng.random() < 0.85:
            keys.append(key)
    pool = [(k, w) for k, w in KEY_WEIGHTS if k not in keys]
    while len(keys) < count and pool:
        key = _pick(rng, pool)
        keys.append(key)
        pool = [(k, w) for k, w in pool if k != key]
    if "qualifications_all" in keys and "qualifications_any" in keys:
        keys.remove("qualifications_any")
    criteria: dict = {}
    for key in keys:
        if key == "industries":
            if topic.industries:
                n = rng.randint(1, len(topic.industries))
                codes = rng.sample(topic.industries, n)
            else:
                n = _pick(rng, [(1, 35), (2, 30), (3, 20), (4, 15)])
                codes = []
                while len(codes) < n:
                    division = _pick(rng, list(COMPANY_DIVISION_WEIGHTS.items()))
                    code = division
                    if division in DEEPER_CODES and rng.random() < 0.25:
                        code = rng.choice(DEEPER_CODES[division])
                    if code not in codes:
                        codes.append(code)
            criteria["industries"] = codes
        elif key == "areas":
            if topic.area:
                criteria["areas"] = [topic.area]
            else:
                n = _pick(rng, [(1, 60), (2, 30), (3, 10)])
                criteria["areas"] = rng.sample(AREA_CODES, n)
        elif key == "sizes":
            criteria["sizes"] = list(_pick(rng, SIZE_SETS))
        elif key == "qualifications_all":
            first = topic.qualification or _pick(rng, QUAL_POOL)
            quals = [first]
            if rng.random() < 0.05 and first != "srdi":
                quals.append("srdi")
            criteria["qualifications_all"] = quals
        elif key == "qualifications_any":
            criteria["qualifications_any"] = rng.sample(["hnte", "tsme", "srdi", "gazelle"], 2)
        elif key == "min_years_established":
            criteria["min_years_established"] = _pick(rng, [(1, 45), (2, 30), (3, 25)])
        elif key == "min_rd_ratio":
            criteria["min_rd_ratio"] = _pick(
                rng, [(3.0, 40), (3.5, 10), (4.0, 20), (5.0, 25), (6.0, 3), (10.0, 2)]
            )
        elif key == "min_revenue_wan":
            criteria["min_revenue_wan"] = _pick(
                rng, [(500, 30), (1000, 25), (2000, 20), (3000, 10), (5000, 12), (20000, 3)]
            )
        elif key == "max_revenue_wan":
            criteria["max_revenue_wan"] = _pick(rng, [(5000, 40), (10000, 30), (20000, 30)])
        elif key == "min_employees":
            criteria["min_employees"] = _pick(rng, [(10, 30), (20, 30), (50, 25), (100, 15)])
        elif key == "requires_good_credit":
            criteria["requires_good_credit"] = True
    low, high = criteria.get("min_revenue_wan"), criteria.get("max_revenue_wan")
    if low is not None and high is not None and low > high:
        criteria["max_revenue_wan"] = low * 4
    return criteria


def _policy_text(
    rng: random.Random,
    topic: Topic,
    department: str,
    year: int,
    amount: int,
    target_chars: int,
    apply_free: bool,
    criteria: dict,
    comprehensive: bool = False,
):
    pct = rng.choice([10, 20, 30, 40, 50])
    goal = rng.choice(GOALS)
    target = "企业"
    if criteria.get("qualifications_all"):
        target = {
            "hnte": "高新技术企业",
            "tsme": "科技型中小企业",
            "srdi": "专精特新中小企业",
            "gazelle": "瞪羚企业",
            "little_giant": "专精特新“小巨人”企业",
            "tech_center": "企业技术中心",
            "unicorn": "独角兽企业",
        }.get(criteria["qualifications_all"][0], "企业")
    elif topic.industries:
        target = DIVISION_NAMES.get(topic.industries[0][:3], "") + "企业"
    summary = (
        f"为{goal}，对符合条件的{target}按{topic.basis}的{pct}%给予{topic.benefit}，"
        f"单个企业每年最高不超过{amount}万元。"
    )
    if apply_free:
        summary += "本政策实行免申即享，符合条件的企业无需申报。"
    summary_en = (
        f"{topic.en.capitalize()}: up to {pct}% of the eligible cost, at most {amount} "
        "× 10,000 CNY a year per enterprise."
        if rng.random() < 0.5
        else ""
    )

    conditions = []
    if "areas" in criteria:
        conditions.append("位于" + "或".join(AREA_NAMES[a] for a in criteria["areas"]))
    if "industries" in criteria:
        names = [DIVISION_NAMES.get(c[:3], c) for c in criteria["industries"]]
        conditions.append("属于" + "、".join(dict.fromkeys(names)))
    if "min_years_established" in criteria:
        conditions.append(f"成立满{criteria['min_years_established']}年")
    if "min_rd_ratio" in criteria:
        conditions.append(f"上年度研发费用占营业收入比例不低于{criteria['min_rd_ratio']:g}%")
    if "min_revenue_wan" in criteria:
        conditions.append(f"上年度营业收入不低于{criteria['min_revenue_wan']}万元")
    if "requires_good_credit" in criteria:
        conditions.append("近三年无严重失信记录")
    if not conditions:
        conditions.append("在高新区依法注册登记并正常经营")

    paragraphs = [
        f"为{goal}，根据《成都高新区关于加快建设世界一流高科技园区的若干政策》等有关规定，"
        "结合成都高新区实际，制定本办法。",
        "本办法适用于在成都高新区（含南部园区、西部园区、东部新区及天府国际生物城，以下简称高新区）"
        "依法注册登记、税收关系和统计关系在高新区的企业和单位。",
        f"{topic.zh}：对符合条件的{target}，按{topic.basis}的{pct}%给予{topic.benefit}，"
        f"单个企业每年最高不超过{amount}万元。",
        "申请本办法支持的企业，应当符合下列条件："
        + "；".join(f"（{_chinese_number(i + 1)}）{c}" for i, c in enumerate(conditions))
        + "。",
    ]
    # Comprehensive measures (若干政策) cover many topics, article by article; other texts keep
    # to their topic, fill out with administrative articles and mention another programme now
    # and then.
    filler = 0
    admin = rng.sample(ADMIN_PARAGRAPHS, len(ADMIN_PARAGRAPHS))
    while sum(len(p) for p in paragraphs) < target_chars - 260 and filler < 40:
        tail = rng.choice(TAILS).format(n=rng.randint(2, 50) * 100)
        if comprehensive:
            clauses = rng.sample(CLAUSES, 2)
            paragraphs.append(f"{clauses[0]}；{clauses[1]}，{tail}")
        elif rng.random() < 0.1:
            paragraphs.append(f"{rng.choice(CLAUSES)}，{tail}")
        elif admin and rng.random() < 0.6:
            paragraphs.append(admin.pop())
        else:  # the topic's own support tiers
            low = rng.choice([50, 100, 200, 500])
            high = low * rng.choice([2, 4, 10])
            paragraphs.append(
                f"{topic.basis}在{low}万元至{high}万元（含）的部分，按{rng.choice([10, 20, 30])}%"
                f"给予{topic.benefit}；超过{high}万元的部分，按{rng.choice([5, 8, 10])}%给予"
                f"{topic.benefit}。{tail}"
            )
        filler += 1
    if apply_free:
        paragraphs.append(APPLY_STEPS[1].format(d=department))
    else:
        paragraphs.append(APPLY_STEPS[0].format(d=department))
        if rng.random() < 0.5:
            paragraphs.append(APPLY_STEPS[2])
    paragraphs.extend(rng.sample(CLOSING, 2))
    paragraphs.append(f"本办法由{department}负责解释，自{year}年{rng.randint(1, 12)}月1日起施行。")
    body = [f"第{_chinese_number(i + 1)}条　{p}" for i, p in enumerate(paragraphs)]

    interpretation = ""
    if rng.random() < 0.5:
        interpretation = (
            f"<p>一、这项政策支持谁？{target}，且{'、'.join(conditions)}。</p>"
            f"<p>二、能获得什么支持？按{topic.basis}的{pct}%给予{topic.benefit}，"
            f"最高{amount}万元。</p>"
            + (
                "<p>三、怎么申请？免申即享，无需申请。</p>"
                if apply_free
                else "<p>三、怎么申请？通过企业服务门户在线申报。</p>"
            )
        )
    return summary, summary_en, body, interpretation


def generate_policies(n: int, seed: int, today: datetime.date) -> list[PolicyRecord]:
    rng = random.Random(f"policies-{seed}")  # noqa: S311 - benchmark data, not secrets
    numbers: dict[tuple[int, int], int] = {}
    policies = []
    dept_weights = [(i, d[3]) for i, d in enumerate(DEPARTMENTS)]
    for i in range(n):
        topic = rng.choice(TOPICS)
        department = topic.department if rng.random() < 0.8 else _pick(rng, dept_weights)
        dept_name, _dept_en, prefix, _w = DEPARTMENTS[department]
        # Effective over the last seven years (more recent policies more numerous); ~3 % not
        # in force yet; ~20 % open-ended, the rest expire 1-5 years after they took effect.
        if rng.random() < 0.03:
            effective = today + datetime.timedelta(days=rng.randint(1, 90))
        else:
            effective = today - datetime.timedelta(days=int(rng.triangular(0, 7 * 365, 0)))
        expiry = None
        if rng.random() >= 0.20:
            expiry = effective + datetime.timedelta(days=rng.randint(365, 5 * 365))
        year = effective.year
        numbers[(department, year)] = numbers.get((department, year), 0) + 1
        document_number = f"{prefix}〔{year}〕{numbers[(department, year)]}号"
        kind, _w, median_chars = _pick(rng, [((p, w, c), w) for p, w, c in TITLE_KINDS])
        title = kind.format(t=topic.zh, y=year, s=rng.choice(SECTORS))
        title_en = ""
        if rng.random() < 0.6:
            title_en = (
                f"{year} {topic.en} application guide"
                if "申报" in kind
                else f"Measures on {topic.en}"
            )
        apply_free = rng.random() < 0.10
        criteria = _criteria_for(rng, topic)
        amount = _pick(
            rng,
            [(10, 10), (20, 10), (50, 20), (100, 25), (200, 15), (300, 10), (500, 7), (1000, 3)],
        )
        target_chars = int(median_chars * math.exp(rng.gauss(0, 0.45)))
        summary, summary_en, body, interpretation = _policy_text(
            rng,
            topic,
            dept_name,
            year,
            amount,
            target_chars,
            apply_free,
            criteria,
            comprehensive="若干政策" in kind,
        )
        tags = list(
            dict.fromkeys(
                [
                    topic.zh[:4],
                    *rng.sample(
                        [
                            "研发投入",
                            "高新技术企业",
                            "瞪羚企业",
                            "专精特新",
                            "集成电路",
                            "生物医药",
                            "人才",
                            "贷款贴息",
                            "首台套",
                            "数据要素",
                            "算力券",
                            "免申即享",
                            "租金补贴",
                        ],
                        rng.randint(0, 2),
                    ),
                ]
            )
        )
        policies.append(
            PolicyRecord(
                pk=i + 1,
                external_id=f"bench-{i + 1:06d}",
                title=title,
                title_en=title_en,
                department=department,
                document_number=document_number,
                policy_type=topic.policy_type,
                effective_date=effective,
                expiry_date=expiry,
                summary=summary,
                summary_en=summary_en,
                body=body,
                interpretation=interpretation,
                apply_free=apply_free,
                tags=tags,
                criteria=criteria,
            )
        )
    return policies


# --- companies --------------------------------------------------------------------------


@dataclass
class CompanyRecord:
    pk: int
    name: str
    verified: bool
    facts: Facts


def _company_industry(rng: random.Random) -> str:
    division = _pick(rng, list(COMPANY_DIVISION_WEIGHTS.items()))
    if division in DEEPER_CODES:
        if rng.random() < 0.10:
            return division  # registered with the division only
        return rng.choice([c for c in DEEPER_CODES[division] if len(c) == 5])
    return division + f"{rng.randint(1, 9)}{rng.randint(0, 9)}"


def generate_companies(n: int, seed: int, today: datetime.date) -> list[CompanyRecord]:
    rng = random.Random(f"companies-{seed}")  # noqa: S311 - benchmark data, not secrets
    companies = []
    for i in range(n):
        industry = _company_industry(rng)
        division = industry[:3]
        tech = division in TECH_DIVISIONS
        area = _pick(rng, [("south", 40), ("west", 25), ("east", 20), ("biotown", 15)])
        if division in ("C27", "M73") and rng.random() < 0.5:
            area = "biotown"
        age_days = int(rng.expovariate(1 / (6.5 * 365)))
        established = today - datetime.timedelta(days=min(age_days, 35 * 365) + 1)
        employees = max(1, min(60000, int(math.exp(rng.gauss(math.log(22), 1.3)))))
        if rng.random() < 0.04:  # start-ups without revenue yet
            revenue = Decimal(0)
        else:
            per_head = math.exp(rng.gauss(math.log(45), 0.8))  # 万元 per employee
            revenue = Decimal(str(round(employees * per_head, 2)))
        ratio = rng.betavariate(2, 6) * (24 if tech else 8)  # % of revenue, mostly 0-15
        ratio = min(ratio, 40.0)
        rd_expense = (revenue * Decimal(str(round(ratio, 3))) / 100).quantize(Decimal("0.01"))
        held: list[HeldQualification] = []
        if rng.random() < (0.45 if tech else 0.12):  # ~30 % overall hold an HNTE certificate
            held.append(
                HeldQualification(
                    "hnte", today + datetime.timedelta(days=rng.randint(-240, 3 * 365))
                )
            )
        if rng.random() < (0.35 if tech else 0.10):
            year_end = datetime.date(today.year - (1 if rng.random() < 0.25 else 0), 12, 31)
            held.append(HeldQualification("tsme", year_end))
        for code, share in (
            ("srdi", 0.08),
            ("gazelle", 0.03),
            ("little_giant", 0.01),
            ("tech_center", 0.05),
            ("unicorn", 0.003),
        ):
            if rng.random() < share * (1.5 if tech else 0.5):
                held.append(
                    HeldQualification(
                        code, today + datetime.timedelta(days=rng.randint(-120, 3 * 365))
                    )
                )
        phrases = SCOPE_PHRASES.get(division, GENERIC_SCOPE)
        scope_parts = rng.sample(phrases, min(len(phrases), rng.randint(2, 5)))
        scope_parts += rng.sample(GENERIC_SCOPE, rng.randint(1, 3))
        values = {
            "industry": industry,
            "area": area,
            "established": established,
            "employees": employees,
            "revenue_wan": revenue,
            "rd_expense_wan": rd_expense,
            "qualifications": tuple(held),
            "good_credit": rng.random() < 0.94,
            "business_scope": "；".join(scope_parts) + "。" if rng.random() < 0.85 else "",
        }
        if rng.random() < 0.10:  # some facts not stated
            for key in rng.sample(
                [
                    "industry",
                    "area",
                    "established",
                    "employees",
                    "revenue_wan",
                    "rd_expense_wan",
                    "qualifications",
                    "good_credit",
                ],
                rng.randint(1, 3),
            ):
                values[key] = None
        brand = rng.choice(NAME_BRAND) + rng.choice(NAME_BRAND)
        trade = NAME_TRADE.get(division, "科技")
        companies.append(
            CompanyRecord(
                pk=i + 1,
                name=f"{rng.choice(NAME_CITY)}{brand}{trade}有限公司",
                verified=rng.random() < 0.7,
                facts=Facts(**values),
            )
        )
    return companies


# --- queries ------------------------------------------------------------------------------

CHINESE_QUERIES = [
    "研发费用补贴",
    "高新技术企业认定奖励",
    "瞪羚企业",
    "专精特新",
    "集成电路流片",
    "生物医药临床试验",
    "人才安居",
    "贷款贴息",
    "首台套",
    "数据要素",
    "算力券",
    "研发费用加计扣除",
    "小巨人",
    "独角兽",
    "免申即享",
    "科技型中小企业",
    "流片补贴",
    "创新药",
    "医疗器械注册证",
    "蓉漂",
    "高层次人才",
    "就业见习",
    "稳岗扩岗",
    "应急转贷",
    "知识产权质押融资",
    "融资担保费",
    "上云用云",
    "应用场景",
    "即征即退",
    "企业所得税",
    "小型微利企业",
    "孵化载体",
    "租金补贴",
    "中试平台",
    "概念验证",
    "企业技术中心",
    "规模以上工业企业",
    "出口信用保险",
    "总部经济",
    "具身智能",
    "产学研",
    "数字化转型",
    "天府国际生物城",
    "未来科技城",
    "南部园区",
    "西部园区",
    "上市挂牌",
    "研发投入",
    "人工智能",
    "软件产品",
    "首版次",
    "临床试验",
    "新药注册",
    "担保费补贴",
    "人才引进",
]
PHRASE_QUERIES = [
    "集成电路 流片补贴",
    "高新技术企业 认定奖励",
    "生物城 租金补贴",
    "研发投入补贴实施细则",
    "中小微企业贷款贴息办法",
    "瞪羚企业培育奖励",
    "专精特新中小企业认定奖励",
    "人工智能算力券实施办法",
    "软件产品增值税即征即退",
    "高新技术企业所得税优惠",
    "2025年度申报指南",
    "数据要素市场培育",
    "人才安居租房补贴",
    "首台套重大技术装备",
    "临床试验补贴 生物医药",
    "知识产权 质押 贴息",
    "孵化载体 初创企业 租金",
    "应急转贷资金",
    "科技成果转化",
    "就高不重复",
    "稳定和扩大就业",
    "关于开展申报工作的通知",
    "研发 补贴 高新",
    "专精特新 小巨人 奖励",
    "集成电路设计企业",
]
TRADITIONAL_QUERIES = ["瞪羚企業", "專精特新", "研發費用補貼", "人才安居租房補貼", "貸款貼息"]
ENGLISH_QUERIES = [
    "subsidy",
    "award",
    "talent",
    "loan interest",
    "integrated circuit",
    "tape-out",
    "clinical trial",
    "gazelle enterprise",
    "compute vouchers",
    "data elements",
    "R&D",
    "R&D expense subsidy",
    "tax incentive",
    "VAT refund",
    "rent subsidy",
    "incubator",
    "first-of-its-kind equipment",
    "software",
    "cloud adoption",
    "headquarters",
    "little giant",
    "unicorn",
    "proof-of-concept",
    "listing award",
    "biomedicine",
    "application guide",
    "medical device",
    "HNTE",
    "internship",
    "export credit insurance",
]


@dataclass(frozen=True)
class BenchQuery:
    q: str
    filters: dict
    kind: str  # chinese, phrase, traditional, english, docno


def generate_queries(n: int, seed: int, policies: list[PolicyRecord]) -> list[BenchQuery]:
    """About 45 % Chinese words, 20 % phrases, 15 % English, 15 % document numbers, the rest
    Traditional Chinese; one in five with a filter as the search page sends them."""
    rng = random.Random(f"queries-{seed}")  # noqa: S311 - benchmark data, not secrets
    pool: list[tuple[str, str]] = []
    pool += [(q, "chinese") for q in CHINESE_QUERIES]
    pool += [(q, "phrase") for q in PHRASE_QUERIES]
    pool += [(q, "english") for q in ENGLISH_QUERIES]
    pool += [(q, "traditional") for q in TRADITIONAL_QUERIES]
    docnos = []
    for policy in rng.sample(policies, min(len(policies), 40)):
        number = policy.document_number
        variant = rng.random()
        if variant < 0.5:
            docnos.append(number)  # exact
        elif variant < 0.7:
            docnos.append(number.replace("〔", "[").replace("〕", "]"))  # typed brackets
        elif variant < 0.85:
            docnos.append(number.split("〔")[0] + "〔" + number.split("〔")[1][:5])  # prefix
        else:
            docnos.append(number.split("〔")[1])  # tail: 2024〕3号
    pool += [(q, "docno") for q in docnos]
    weights = {"chinese": 45, "phrase": 20, "english": 15, "docno": 15, "traditional": 5}
    counts = {}
    for _q, kind in pool:
        counts[kind] = counts.get(kind, 0) + 1
    queries = []
    filter_choices = [
        {"type": ["subsidy"]},
        {"type": ["award"]},
        {"status": ["in_force"]},
        {"industry": ["I65"]},
        {"area": ["south"]},
        {"apply_free": ["1"]},
        {"status": ["in_force"], "type": ["finance"]},
    ]
    for _ in range(n):
        q, kind = rng.choices(pool, weights=[weights[k] / counts[k] for _q, k in pool])[0]
        filters = rng.choice(filter_choices) if rng.random() < 0.2 else {}
        queries.append(BenchQuery(q, filters, kind))
    return queries
