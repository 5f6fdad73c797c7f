"""Builds reconciled/instruments.csv and instruments_dropped.csv from coder_a/coder_b and the adjudicator's decisions below."""
import csv, collections
BASE = '/work/main/data/validation/'
ORDER = ['supply.talent','supply.funding','supply.infrastructure','supply.content','supply.services',
         'environment.planning','environment.regulation','environment.coordination','environment.incentives','environment.advocacy',
         'demand.activities','demand.demonstration','demand.procurement','demand.exchange','none']
U = {r['action_id']: r for r in csv.DictReader(open(BASE+'packets/instrument_units.csv', encoding='utf-8'))}
ids = list(U)
ev = collections.defaultdict(lambda: collections.defaultdict(dict))
for coder in 'AB':
    for r in csv.DictReader(open(BASE+f'coder_{coder.lower()}/instruments.csv', encoding='utf-8')):
        ev[r['action_id']][r['code']].setdefault(coder, []).append(r['evidence'])

# (action_id, code) -> (decision, reason) for every code only one coder has
D = {
 ('zhifu-005','environment.planning'): ('keep', '将……作为教师培训的重要内容 writes science content into the teacher-training programme = incorporating the work into another programme\'s content (manual: 纳入……内容); same reading both coders gave 增加干部教育培训中科普内容的比重 in inner_mongolia-013'),
 ('pingyin-005','environment.planning'): ('keep', '将……作为教师培训的重要内容 writes science content into the teacher-training programme (manual: 纳入……内容); same reading as agreed inner_mongolia-013 and zhifu-005'),
 ('zhifu-011','environment.planning'): ('keep', '在职业培训中突出科学素质、安全生产等内容 commits to build science content into vocational training (mainstreaming into another programme); cf. agreed inner_mongolia-013'),
 ('pingyin-011','environment.planning'): ('keep', '在职前教育和职业培训中突出科学素质……内容 commits to build science content into vocational education/training (mainstreaming); cf. agreed inner_mongolia-013'),
 ('zhifu-006','supply.content'): ('drop', '科普宣传教育 here is delivered through the themed activities; no medium, work or resource is produced (manual: 宣传 is supply.content only when science content is spread through media); covered by agreed demand.activities and environment.advocacy'),
 ('pingyin-006','supply.content'): ('drop', '科普宣传教育 here is delivered through the themed activities; no medium, work or resource is produced (manual: 宣传 is supply.content only when spread through media); covered by agreed demand.activities and environment.advocacy'),
 ('shenzhen-013','supply.content'): ('drop', '宣传教育 for residents with no medium, work or resource produced (manual: 宣传 is supply.content only when spread through media); covered by agreed demand.activities'),
 ('zhifu-008','environment.coordination'): ('keep', '鼓励引导高校、科研院所、科技企业、专业社会组织开展农业科技服务 mobilises non-government actors to take part (社会力量参与); same reading both coders gave shenzhen-010 and chongqing-014'),
 ('pingyin-008','environment.coordination'): ('keep', '鼓励引导科研院所、科技企业、专业社会组织开展农业科技服务 mobilises non-government actors to take part; same reading as agreed shenzhen-010/chongqing-014 and zhifu-008'),
 ('chongqing-003','environment.coordination'): ('keep', '鼓励引导科技工作者开展科技志愿服务 mobilises scientists to take part; cf. agreed chongqing-017 动员更多科技工作者加入科普行列'),
 ('zhifu-029','environment.coordination'): ('keep', '广泛动员科技工作者、科普爱好者加入科技志愿服务队伍 is mobilising society to take part; both coders coded the same clause so in pingyin-028 and chongqing-017'),
 ('pingyin-004','environment.coordination'): ('keep', '支持社会各界开发开放优质科教资源 mobilises society to take part in resource development; cf. agreed shenzhen-026 鼓励社会力量参与科普资源的开发与推广'),
 ('pingyin-013','environment.coordination'): ('keep', '发挥老科协、科技志愿服务组织、社区科普大学等主体作用 enlists non-government organisations as actors (mobilising society); cf. agreed shenzhen-031 发挥学会、协会、研究会等社团组织的……优势'),
 ('shenzhen-039','environment.coordination'): ('keep', '发挥企业科协、团委、职工技协、研发中心作用 enlists non-government bodies as actors (mobilising society); cf. agreed shenzhen-031 and pingyin-013'),
 ('shenzhen-038','environment.coordination'): ('keep', '大力发展街道和社区科协等基层组织 builds the organisational network that carries the work; cf. agreed shenzhen-007 鼓励……建立企业科协'),
 ('zhifu-009','demand.demonstration'): ('keep', '发挥典型的引领示范作用 commits to use the selected models as demonstrations; both coders coded the same wording demonstration in pingyin-012 and chongqing-017'),
 ('zhifu-010','environment.coordination'): ('keep', 'founding an alliance (联盟) sets up a standing joint mechanism = coordination, as both coders coded 科普基地联盟 in zhifu-027'),
 ('zhifu-010','demand.exchange'): ('drop', 'the alliance (联盟) is coded coordination (cf. agreed zhifu-027); the clause names no 交流/合作 between regions or organisations, and a second code on one clause needs both to be meant'),
 ('shenzhen-003','environment.coordination'): ('keep', '建立……联盟学校 creates a standing alliance of schools = coordination mechanism (cf. agreed zhifu-027 科普基地联盟)'),
 ('shenzhen-003','demand.exchange'): ('drop', 'the school alliance (联盟) is coded coordination (cf. agreed zhifu-027); no 交流/合作 is committed, and a second code on one clause needs both to be meant'),
 ('inner_mongolia-012','demand.exchange'): ('drop', '成立全区产业工人科普联盟 is already the agreed environment.coordination evidence (alliance = standing mechanism); no 交流/合作 committed'),
 ('shenzhen-003','demand.demonstration'): ('drop', '特色项目和学校 are specialised (featured) projects and schools; no 示范/试点/品牌/标杆 and nothing is set up as a model to be emulated'),
 ('pingyin-018','environment.regulation'): ('keep', 'making 科普工作实绩 a criterion of 职称评聘 writes a rule into an evaluation system (manual: 评价/标准), as both coders coded 职称评审标准 in inner_mongolia-006; the agreed incentives code on the same clause is also meant'),
 ('pingyin-018','demand.demonstration'): ('drop', '形成体系化、规模化的科普品牌 is the intended outcome (manual: 形成…… = goal) of promoting the industries (agreed demand.procurement), not a committed brand-building measure'),
 ('chongqing-010','supply.infrastructure'): ('drop', '充分发挥重庆科技馆等科普场馆……的作用 uses existing venues; nothing is built, upgraded, opened or networked (manual example 依托科技馆); the training use is coded supply.talent'),
 ('chongqing-010','demand.activities'): ('keep', 'the named 行动 (参加科普活动、读科普图书、听科普讲座、阅览科普网) is a campaign that draws cadres into science activities and lectures'),
 ('pingyin-004','supply.infrastructure'): ('drop', '充分挖掘科技馆、博物馆……等校外科普教育资源 taps existing venues for school activities; nothing is built, upgraded, opened or networked (manual example 依托科技馆); covered by agreed demand.activities'),
 ('shenzhen-001','supply.content'): ('keep', 'developing local S&T curricula produces teaching resources; both coders coded such resources supply.content in chongqing-007 (课程资源), shenzhen-003 (特色项目) and shenzhen-020 (教材)'),
 ('shenzhen-001','demand.procurement'): ('keep', 'drawing charitable funds and companies into paying for school labs is the social-capital channel; both coders coded 社会资本投入……基础设施建设 procurement in pingyin-024 and zhifu-032; the agreed infrastructure code covers what is built'),
 ('shenzhen-021','supply.content'): ('keep', '开发实践课程 produces curricular resources; cf. shenzhen-001 and agreed chongqing-007/shenzhen-020'),
 ('shenzhen-004','supply.infrastructure'): ('keep', '搭建……全市学生科技创新作品展示平台 builds an exhibition facility; both coders coded 建立科研成果和产品展示平台 infrastructure in zhifu-020'),
 ('shenzhen-004','demand.exchange'): ('drop', 'hosting national and international competitions is the competition activity itself (agreed demand.activities); no exchange or cooperation is committed'),
 ('shenzhen-006','environment.incentives'): ('drop', 'the incentive is the subsidy itself; money paid as subsidies is supply.funding (agreed; manual lists 补贴/奖补 under funding); no award or honour'),
 ('shenzhen-010','supply.infrastructure'): ('drop', 'recommending existing institutions to apply for a national/provincial base title is a designation; no facility is built, upgraded, opened or networked'),
 ('shenzhen-011','environment.coordination'): ('drop', 'encourages members of the target group (enterprise professionals, skilled workers) to join maker groups: participation of the target, not society mobilised to deliver the work (manual: the target group itself is not an instrument); covered by agreed demand.activities'),
 ('shenzhen-012','demand.activities'): ('drop', '个体辅导、团体辅导、企业讲堂 are guidance sessions tailored to job seekers = the guidance service already agreed as supply.services; not events or campaigns that draw the public in'),
 ('shenzhen-019','environment.planning'): ('keep', '纳入教师考核范围 is incorporation into an evaluation system (manual: 纳入……体系), coded planning by both coders in zhifu-002 and zhifu-033; the agreed regulation code on the same clause stays'),
 ('shenzhen-026','demand.activities'): ('keep', '作品征集、比赛评奖 are calls and competitions that draw the public in (竞赛/大赛); both coders coded 科普创作赛事活动 activities in zhifu-022 and pingyin-021'),
 ('shenzhen-033','supply.infrastructure'): ('drop', 'a 科普产品研发机构 set up within universities and companies is an organisation for product R&D, not a venue or facility for the public; the product development is coded supply.content'),
 ('shenzhen-034','demand.demonstration'): ('keep', '推广科普创客模式 diffuses a model practice; both coders coded 推广共享科技馆建设模式 demonstration in chongqing-016'),
 ('shenzhen-035','supply.infrastructure'): ('keep', '建设一批原创科普作（产）品示范基地 builds bases; the manual\'s own example 建设科普示范基地 = infrastructure and demonstration'),
 ('shenzhen-036','environment.coordination'): ('drop', 'inviting enterprises and social groups to set up 科普文化产业 is the market/social-capital channel (agreed demand.procurement; cf. shenzhen-032 鼓励社会资金投入科普产业 coded procurement only); coordination is for 兴办科普事业 (non-profit), as in pingyin-031'),
 ('inner_mongolia-007','supply.content'): ('drop', '大力推进科技资源科普化 names the aim; the means the action commits to (opening facilities, activities, project requirements) are coded; no work, medium or resource is produced'),
 ('zhifu-022','environment.incentives'): ('keep', '举荐一批优秀科普原创作品、科普宣讲人才 selects the best for recognition; the twin clause 征集遴选推荐一批优秀…… is agreed incentives in pingyin-021'),
 ('zhifu-031','environment.regulation'): ('keep', '统计分析 is a monitoring task committed to the office (manual: monitoring); cf. agreed 完善我县科普统计制度 in pingyin-032'),
 ('chongqing-007','environment.planning'): ('keep', '进课堂 commits to bringing S&T education into classroom teaching, i.e. into the curriculum (cf. agreed zhifu-001 融入课堂教学); not only the 进校园 campaign formula'),
 ('inner_mongolia-010','environment.planning'): ('keep', '建立常态化科普培训计划 draws up a plan as a means (manual: 制定……计划); the training itself is the agreed supply.talent'),
}
# agreed codes where the shorter evidence is not used
EVID_OVERRIDE = {('shenzhen-045','environment.planning'): ('市、区在国民经济和社会发展规划、相关专项规划以及有关科学技术教育、传播与普及的政策法规中，体现公民科学素质建设的目标要求',
                  'agreed; longer clause (A) taken: the shorter (B) stops before the commitment 体现……目标要求')}

rows, dropped, used = [], [], set()
for k in ids:
    codes = ev[k]
    out = []
    for c, v in codes.items():
        if 'A' in v and 'B' in v:
            if (k, c) in EVID_OVERRIDE:
                e, res = EVID_OVERRIDE[(k, c)]
            else:
                e = min(set(v['A']) | set(v['B']), key=lambda s: (len(s), s)); res = ''
                if len(v['A']) > 1 or len(v['B']) > 1:
                    res = 'agreed; duplicate row of coder A merged into one'
            out.append((c, e, res))
        else:
            coder = 'A' if 'A' in v else 'B'
            dec, reason = D[(k, c)]; used.add((k, c))
            if dec == 'keep':
                out.append((c, v[coder][0], f'kept ({coder} only): {reason}'))
            else:
                dropped.append((k, c, coder, reason))
    if not out:
        out = [('none', '', '')]
    for c, e, res in sorted(out, key=lambda x: ORDER.index(x[0])):
        assert c == 'none' or e in U[k]['text'], (k, c, e)
        rows.append((k, c, e, res))
assert used == set(D), set(D) - used
with open(BASE+'reconciled/instruments.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['action_id', 'code', 'evidence', 'resolution']); w.writerows(rows)
with open(BASE+'reconciled/instruments_dropped.csv', 'w', newline='', encoding='utf-8') as f:
    w = csv.writer(f); w.writerow(['action_id', 'code', 'coder', 'reason']); w.writerows(dropped)
print('rows', len(rows), 'actions', len({r[0] for r in rows}), 'dropped', len(dropped),
      'kept single', sum(r[3].startswith('kept') for r in rows))
