"""The 2026 plan (../shared/seed/2026-activity-week-plan.txt) as data: theme days, departments,
the 17 rows of the task table (附件2), and the experience-day venues with their slots.

Reading of the table, decided once here:

* "各二级学院" (and "各二级学院党总支": each college's party branch reports through its college,
  the 填报单位) means every college the plan names: COLLEGES below. The plan names no other
  college, so none is invented; an organizer who adds one attaches it to these rows in the console.
  Row 1's "各党总支" is the party branches as the plan writes it: a unit of its own (党总支).
* "宣传部" in row 17 is the 宣传统战部 (the plan's own sender), not a second department.
* Row 10's 牵头部门 cell, "该活动由教务处统筹，建议集中对外开放。", makes 教务处 its lead (the
  sentence is kept in its requirements) and covers the experience day; rows 11–14 have no 牵头部门
  of their own (shown "—"). Row 15's cell "该项活动由团委统筹安排。" likewise makes 团委 its lead.
* Department lists keep the plan's order (row 4: 校企合作处、工会、对外交流处; row 17 as written).
* 接待单位 (whose 附件1 sheet counts the visitors): the two routes through 精艺楼 are hosted by
  the two colleges (ROUTE_HOSTS); a sign-up slot by its event's lead, who runs it.
* 主要活动 is merged over each theme day's rows: it names the theme day; an event's name is its
  具体内容 (shortened where the cell is a whole sentence) and ``content`` keeps the cell as written.
"""
from datetime import time

from ..programme.models import EventCategory, ParticipationMode

TITLE = "2026年职业教育活动周"
THEME = "一技在手 一生无忧"
YEAR = 2026

#: The seven theme days in the plan's order, one per day from 10 May (editable afterwards).
THEME_DAYS = (
    ("职教改革研讨日",
     "围绕全面落实《教育强国建设规划纲要(2024—2035年)》和《关于深化职业教育教学关键要素改革的意见》，"
     "针对职普融通、产教融合、数字化转型等核心问题开展研讨，形成可推广的研讨成果。"),
    ("技能成才宣讲日",
     "组织“大国工匠进校园”“劳模面对面”“优秀校友回校园”等主题活动，"
     "邀请行业领军人才、技术能手、优秀校友分享成长故事，传递精益求精的职业理念。"),
    ("产教融合示范日",
     "组织成果展览、企业对接会及案例分享活动；联合共同体企业举办精准招聘会，"
     "开设“简历门诊”“模拟面试”专区；开展创业沙龙，设置创业成果展示区。"),
    ("职业技能体验日",
     "面向各类学生(中小学生、中高职学生)开放学校全国化学会科普基地、湖南省青少年科普基地、"
     "劳动实践基地、农学基地，开展职业体验、劳动实践及“职业启蒙”教育活动。"),
    ("职教志愿服务日", "组织师生深入社区、乡村、企业等基层一线，结合专业优势开展“技能服务惠民生”行动。"),
    ("教授一分钟说专业/学院", "各二级学院开展院部专业特色研讨与凝练，形成200字以内文本并拍摄视频。"),
    ("地方特色活动日", "紧扣区域产业特色、文化传承及战略定位，策划具有鲜明辨识度的品牌活动。"),
)

#: The colleges (二级学院) the plan names; "各二级学院" expands to these.
COLLEGES = ("化学工程学院", "制药与生物工程学院", "机械工程学院", "智能控制工程学院", "马克思主义学院")
#: Offices and mass organisations named in the task table, with their Department.kind.
OFFICES = (
    ("宣传统战部", "office"), ("团委", "party"), ("工会", "party"), ("发展规划处", "office"),
    ("教务处", "office"), ("组织人事部", "office"), ("科研产业处", "office"), ("校企合作处", "office"),
    ("对外交流处", "office"), ("学生工作部", "office"), ("招生就业处", "office"),
    ("就业与创新创业指导中心", "office"), ("后勤处", "office"), ("体育部", "office"),
    ("党政办公室", "office"), ("保卫处", "office"), ("各党总支", "party"),
)
ALL_COLLEGES = "各二级学院"
#: How the table's wording maps onto departments.
ALIASES = {"各二级学院党总支": ALL_COLLEGES, "宣传部": "宣传统战部"}

G, ONE, N = ParticipationMode.GROUP, ParticipationMode.INDIVIDUAL, ParticipationMode.NONE
OPEN4, INTO2, OTHER = EventCategory.FOUR_OPEN, EventCategory.TWO_INTO, EventCategory.OTHER
OPEN_BASES = "面向各类学生(中小学生、中高职学生)"


def _row(seq, day, name, content, requirements, lead, responsible, mode=N, category=OTHER,
         audience="本校师生"):
    return dict(seq=seq, day=day, name=name, content=content, requirements=requirements,
                lead=lead, responsible=responsible, mode=mode, category=category, audience=audience)


#: 附件2, row by row. ``day`` is the theme day's position (1–7).
TASKS = (
    _row(1, 1, "《教育强国建设规划纲要》及职业教育政策法规学习",
         "开展《教育强国建设规划纲要(2024—2035年)》、职业教育方针政策及法律法规学习。",
         "各党总支、党支部利用“三会一课”、主题党日、全员政治理论学习等形式开展学习与研讨。",
         ["宣传统战部"], ["各党总支"], audience="全体党员、教职工"),
    _row(2, 1, "“匠心筑梦，职启未来”主题团日活动", "开展“匠心筑梦，职启未来”主题团日活动。",
         "围绕职业认知、工匠故事、职业规划等内容展开，引导学生深化匠心精神认知，探索职业规划路径。",
         ["团委"], ["各二级学院党总支"], audience="本校团员青年"),
    _row(3, 1, "开展专题研讨", "开展专题研讨",
         "围绕《教育强国建设规划纲要(2024—2035年)》和《关于深化职业教育教学关键要素改革的意见》开展专题研讨。",
         ["发展规划处", "教务处"], ["组织人事部", "科研产业处", "校企合作处", ALL_COLLEGES],
         audience="本校教职工"),
    _row(4, 2, "“大国工匠进校园”“劳模面对面”“优秀校友回校园”主题活动",
         "组织“大国工匠进校园”“劳模面对面”“优秀校友回校园”等主题活动。",
         "邀请行业领军人才(校企合作处负责)、技术能手(工会)、优秀校友(对外交流处)分享成长故事，传递精益求精的职业理念。",
         ["校企合作处", "工会", "对外交流处"], ["学生工作部", ALL_COLLEGES], audience="本校学生"),
    _row(5, 2, "策划专题报道，挖掘优秀毕业生典型案例", "策划专题报道，挖掘优秀毕业生典型案例。",
         "通过短视频、直播等形式扩大传播，增强社会对技能人才的认同感。",
         ["宣传统战部"], [ALL_COLLEGES], audience="社会公众"),
    _row(6, 3, "产教融合成果展览", "产教融合成果展览。",
         "围绕市域产教联合体、全国化工新材料行业产教融合共同体、中南地区生物医药行业产教融合共同体建设，组织成果展览。",
         ["校企合作处"], [ALL_COLLEGES], category=OPEN4, audience="合作企业、本校师生、社会公众"),
    _row(7, 3, "精准招聘会（简历门诊、模拟面试）", "举办精准招聘会",
         "联合共同体企业举办精准招聘会，开设“简历门诊”“模拟面试”专区，为学生提供求职指导。",
         ["招生就业处"], [ALL_COLLEGES], mode=ONE, audience="本校毕业生"),
    _row(8, 3, "创业沙龙", "开展创业沙龙",
         "邀请优秀创业毕业生、企业创业导师开展创业沙龙，分享创业项目孵化经验。",
         ["就业与创新创业指导中心"], [ALL_COLLEGES], mode=ONE, audience="本校学生"),
    _row(9, 3, "创业成果展示区", "设置创业成果展示区",
         "展示师生创业项目及校企合作创新成果，搭建创业项目与资本对接桥梁，助力学生实现高质量就业与创业梦想。",
         ["就业与创新创业指导中心"], [ALL_COLLEGES], category=OPEN4, audience="本校师生、合作企业"),
    _row(10, 4, "开放全国化学会科普基地及精艺楼", "开放全国化学会科普基地以及精艺楼。",
         f"{OPEN_BASES}开放化工与制药类实训场地、开展职业体验及“职业启蒙”教育活动，引导学生认知职业多样性。"
         "该活动由教务处统筹，建议集中对外开放。",
         ["教务处"], ["化学工程学院", "制药与生物工程学院"], mode=G, category=OPEN4,
         audience="中小学生、中高职学生"),
    _row(11, 4, "开放湖南省青少年科普基地及创新楼", "开放湖南省青少年科普基地以及创新楼。",
         f"{OPEN_BASES}开放学校机械与智能控制类实训场地、开展职业体验及“职业启蒙”教育活动，引导学生认知职业多样性。",
         [], ["机械工程学院", "智能控制工程学院"], mode=G, category=OPEN4,
         audience="中小学生、中高职学生"),
    _row(12, 4, "开放省级劳动教育实践基地", "开放省级劳动教育实践基地。",
         "依托省大中小学思政课一体化共同体建设单位平台，面向各级各类学生开展劳动教育实践活动。",
         [], ["马克思主义学院"], mode=G, category=OPEN4, audience="各级各类学生"),
    _row(13, 4, "开放学校农学基地", "开放学校农学基地。",
         "面向学校二级学院在校学生，分批次开展农耕劳动实践活动，引导学生树立正确劳动观。",
         [], ["后勤处"], mode=ONE, category=OPEN4, audience="本校在校学生（分批次）"),
    _row(14, 4, "直播探校", "直播探校", "邀请知名主播打卡探校。",
         [], ["宣传统战部"], category=OPEN4, audience="网络观众"),
    _row(15, 5, "“技能服务惠民生”志愿服务行动", "开展“技能服务惠民生”行动",
         "组织师生深入社区、乡村、企业等基层一线，开展技能服务，如家电维修、健康护理、电商推广、环保知识普及等便民服务。"
         "该项活动由团委统筹安排。",
         ["团委"], [ALL_COLLEGES], mode=ONE, category=INTO2, audience="本校师生志愿者；社区、乡村居民"),
    _row(16, 6, "教授一分钟说专业/学院", "开展院部专业特色研讨",
         "各二级学院深入解读院部特色、人才培养、就业前景等，以专业视角深度解析行业前沿动态与发展趋势，"
         "形成200字以内文本于5月11日前交宣传统战部并拍摄视频。",
         [ALL_COLLEGES], ["宣传统战部"], audience="社会公众、考生及家长"),
    _row(17, 7, "“青春化院·强国有我”首届体育文化节", "举办“青春化院·强国有我” 首届体育文化节",
         "紧扣化工、制药、机械等专业岗位体能需求，深挖中华传统武术文化、跆拳道竞技文化等特色资源，"
         "打造差异化、标志性体育活动，彰显化院体育文化魅力。",
         ["体育部"], ["党政办公室", "宣传部", "学生工作部", "保卫处", "后勤处", "教务处", ALL_COLLEGES],
         mode=ONE, audience="本校师生"),
)

_GATHER = "集合：请于场次开始前15分钟到学校正门签到处出示入场码，由志愿者引导前往{place}。"
_BRING = "请携带：入场码（手机或打印件）、饮用水；学生统一着校服，穿平底防滑鞋。"
_SAFETY = ("安全须知：全程听从讲解教师和带队教师指挥，不得离队；{rules}"
           "如遇紧急情况，按现场指示牌和工作人员引导有序疏散。")

#: The four experience-day venues of rows 10–13: name → building, host, safe occupancy, notes.
VENUES = {
    "全国化学会科普基地·精艺楼": dict(
        building="精艺楼", host="化学工程学院", safe_occupancy=120,
        notes="\n".join((
            "由化学工程学院、制药与生物工程学院共同接待，分化工、制药两条体验路线同时进行。",
            _GATHER.format(place="精艺楼一楼大厅"), _BRING,
            _SAFETY.format(rules="实训室内须穿戴现场发放的实验服和护目镜，不触碰试剂、仪器和管道阀门，不饮食；"
                                 "长发须束起。")))),
    "湖南省青少年科普基地·创新楼": dict(
        building="创新楼", host="机械工程学院", safe_occupancy=180,
        notes="\n".join((
            "由机械工程学院、智能控制工程学院共同接待：数控加工、工业机器人、智能产线体验。",
            _GATHER.format(place="创新楼一楼科普展厅"), _BRING,
            _SAFETY.format(rules="设备运行区域按地面黄线站立，未经许可不得触碰机床和机器人；体验操作须在教师一对一指导下进行。")))),
    "省级劳动教育实践基地": dict(
        building="劳动教育实践基地", host="马克思主义学院", safe_occupancy=150,
        notes="\n".join((
            "由马克思主义学院接待，依托省大中小学思政课一体化共同体开展劳动教育实践。",
            _GATHER.format(place="劳动教育实践基地门口"), _BRING + "建议携带遮阳帽和一套可弄脏的外衣。",
            _SAFETY.format(rules="使用劳动工具须先听讲解、按示范操作，工具不得挥舞或带离场地；")))),
    "农学基地": dict(
        building="农学基地", host="后勤处", safe_occupancy=60,
        notes="\n".join((
            "由后勤处组织，面向本校各二级学院在校学生分批次开展农耕劳动实践。",
            "集合：请于批次开始前10分钟到农学基地入口，由后勤处老师点名分组。",
            "请携带：校园卡、饮用水、遮阳帽；穿运动鞋，农具和手套由基地提供。",
            _SAFETY.format(rules="农具用后放回原处，不进入施药区域；")))),
}

HALF_DAYS = ((time(9, 0), time(11, 30)), (time(14, 30), time(17, 0)))
NINETY_MINUTES = ((time(8, 30), time(10, 0)), (time(10, 15), time(11, 45)),
                  (time(14, 0), time(15, 30)), (time(15, 45), time(17, 15)))

#: Experience-day slots of rows 10–13: (seq, venue, (start, end) times, capacity, label).
#: 精艺楼 runs its two routes side by side: 2 × 60 = the building's safe occupancy of 120.
EXPERIENCE_SLOTS = (
    [(10, "全国化学会科普基地·精艺楼", t, 60, "化工体验路线") for t in NINETY_MINUTES]
    + [(10, "全国化学会科普基地·精艺楼", t, 60, "制药体验路线") for t in NINETY_MINUTES]
    + [(11, "湖南省青少年科普基地·创新楼", t, 150, "半天体验") for t in HALF_DAYS]
    + [(12, "省级劳动教育实践基地", t, 120, "半天劳动实践") for t in HALF_DAYS]
    + [(13, "农学基地", t, 40, f"第{i}批次") for i, t in enumerate(NINETY_MINUTES, 1)]
)

#: 接待单位 of the routes that share a building (the other slots follow programme.models.host_id).
ROUTE_HOSTS = {"化工体验路线": "化学工程学院", "制药体验路线": "制药与生物工程学院"}

#: Individual sign-ups on other days (no venue from the plan): (seq, day position, times, cap, label).
INDIVIDUAL_SLOTS = (
    (7, 3, (time(9, 0), time(11, 30)), 60, "简历门诊"),
    (7, 3, (time(14, 30), time(17, 0)), 40, "模拟面试"),
    (8, 3, (time(15, 0), time(16, 30)), 80, "创业沙龙"),
    (15, 5, (time(8, 30), time(11, 30)), 100, "上午志愿服务队"),
    (15, 5, (time(14, 30), time(17, 30)), 100, "下午志愿服务队"),
    (17, 7, (time(8, 30), time(17, 0)), 400, "体育文化节项目报名"),
)
