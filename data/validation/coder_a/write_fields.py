# Hand-coded field values (entered manually after reading each action); script only formats and checks.
import csv
def D(role, *pairs):  # pairs "name:category"
    return [f"{p.split(':')[0]}|{role}|{p.split(':')[1]}" for p in pairs]
def J(*lists): return ';'.join(x for l in lists for x in l)
R='responsible'
AU=D(R,'各责任单位:all_units')
# Shenzhen division-of-work (分工) blocks
SZ1=J(D('lead','市教育局:education','市科协:cast','团市委:youth_league'),
      D('cooperating','市委宣传部:propaganda','市经贸信息委:industry_it','市科技创新委:science_tech','市规划国土委:natural_resources','市人居环境委:ecology_environment','市卫生计生委:health','市民政局:civil_affairs','市人力资源保障局:hr_social_security','市文体旅游局:culture_tourism','市水务局:water','市城管局:urban_management','市安监局:emergency','市气象局:meteorology','市妇联:women_federation'))
SZ2=J(D('lead','市人力资源保障局:hr_social_security','市总工会:trade_union','市科协:cast'),
      D('cooperating','市委组织部:organization','市委宣传部:propaganda','市经贸信息委:industry_it','市科技创新委:science_tech','市市场和质量监管委:market_regulation','市人居环境委:ecology_environment','市卫生计生委:health','市教育局:education','市民政局:civil_affairs','市水务局:water','市城管局:urban_management','市安监局:emergency','团市委:youth_league','市妇联:women_federation'))
SZ4=J(D('lead','市委组织部:organization','市人力资源保障局:hr_social_security','市科协:cast'),
      D('cooperating','市委宣传部:propaganda','市经贸信息委:industry_it','市科技创新委:science_tech','市规划国土委:natural_resources','市市场和质量监管委:market_regulation','市人居环境委:ecology_environment','市卫生计生委:health','市文体旅游局:culture_tourism','团市委:youth_league','市妇联:women_federation'))
SZ5=J(D('lead','市教育局:education','市人力资源保障局:hr_social_security'),
      D('cooperating','市委宣传部:propaganda','市经贸信息委:industry_it','市科技创新委:science_tech','市规划国土委:natural_resources','市文体旅游局:culture_tourism','市气象局:meteorology','市总工会:trade_union','团市委:youth_league','市妇联:women_federation','市科协:cast'))
SZ6=J(D('lead','市科协:cast','市委宣传部:propaganda'),
      D('cooperating','市经贸信息委:industry_it','市科技创新委:science_tech','市规划国土委:natural_resources','市市场和质量监管委:market_regulation','市人居环境委:ecology_environment','市卫生计生委:health','市教育局:education','市民政局:civil_affairs','市文体旅游局:culture_tourism','市城管局:urban_management','市气象局:meteorology','市总工会:trade_union','团市委:youth_league'))
SZ7=J(D('lead','市科协:cast','市发展改革委:development_reform','市科技创新委:science_tech'),
      D('cooperating','市委宣传部:propaganda','市经贸信息委:industry_it','市财政委:finance','市规划国土委:natural_resources','市市场和质量监管委:market_regulation','市人居环境委:ecology_environment','市卫生计生委:health','市教育局:education','市民政局:civil_affairs','市人力资源保障局:hr_social_security','市文体旅游局:culture_tourism','市城管局:urban_management','市气象局:meteorology','市总工会:trade_union','团市委:youth_league','市妇联:women_federation'))
SZ8=J(D('lead','市科技创新委:science_tech','市科协:cast'),
      D('cooperating','市发展改革委:development_reform','市经贸信息委:industry_it','市财政委:finance','市规划国土委:natural_resources','市人居环境委:ecology_environment','市卫生计生委:health','市教育局:education','市人力资源保障局:hr_social_security','市文体旅游局:culture_tourism','市安监局:emergency','市气象局:meteorology','市总工会:trade_union','团市委:youth_league','市妇联:women_federation'))
rows = [
 # zhifu
 ('zhifu-005','youth',J(D(R,'区科协:cast','区教体局:education')),'',''),
 ('zhifu-007','farmers',J(D(R,'区科协:cast','区农业农村局:agriculture')),'',''),
 ('zhifu-009','workers',J(D(R,'区委宣传部:propaganda','区总工会:trade_union','团区委:youth_league','区妇联:women_federation','区科协:cast')),'',''),
 ('zhifu-011','workers',J(D(R,'区总工会:trade_union','区应急局:emergency')),'','"安康杯" is a name, not a commitment'),
 ('zhifu-014','elderly',J(D(R,'区委老干部局:veteran_cadres','区科协:cast','区民政局:civil_affairs','区卫健局:health','区市场监管局:market_regulation','区体育中心:sports')),'',''),
 ('zhifu-015','elderly',J(D(R,'区委老干部局:veteran_cadres','区科协:cast','区民政局:civil_affairs','区卫健局:health')),'',''),
 ('zhifu-016','cadres',J(D(R,'区委组织部:organization','区科协:cast')),'',''),
 ('zhifu-018','cadres',J(D(R,'区委组织部:organization')),'',''),
 ('zhifu-020','',J(D(R,'区科协:cast','区发改局:development_reform','区科技局:science_tech')),'',''),
 ('zhifu-021','',J(D(R,'区委宣传部:propaganda','区科协:cast','区科技局:science_tech')),'',''),
 ('zhifu-022','',J(D(R,'区委宣传部:propaganda','区科协:cast','区科技局:science_tech')),'','"一批" not counted (no number)'),
 ('zhifu-024','',J(D(R,'区科协:cast','区教体局:education','区工信局:industry_it')),'90%以上|90|%',''),
 ('zhifu-025','',J(D(R,'区科协:cast','区发改局:development_reform','区财政局:finance','芝罘规划管理办公室:natural_resources')),'','规划管理办公室 coded natural_resources (planning office)'),
 ('zhifu-026','',J(D(R,'区科协:cast','区发改局:development_reform','区科技局:science_tech','区财政局:finance','区文旅局:culture_tourism','区应急管理局:emergency','区投促中心:investment_promotion','芝罘规划管理办公室:natural_resources')),'','规划管理办公室 coded natural_resources'),
 ('zhifu-030','',J(D(R,'区科协:cast','区教体局:education','区科技局:science_tech','区文旅局:culture_tourism','区卫健局:health','区应急管理局:emergency','区市场监管局:market_regulation')),'',''),
 # pingyin
 ('pingyin-001','youth',J(D(R,'县委宣传部:propaganda','县教体局:education','团县委:youth_league','县科技事业发展中心:science_tech','县科协:cast')),'','科技事业发展中心 coded science_tech (county S&T body)'),
 ('pingyin-006','farmers',J(D(R,'各镇街道:townships','县委宣传部:propaganda','县农业农村局:agriculture','县文化和旅游局:culture_tourism','县卫生健康局:health','县应急局:emergency','县科技事业发展中心:science_tech','县科协:cast')),'','"三下乡" is a name'),
 ('pingyin-008','farmers',J(D(R,'县教体局:education','县农业农村局:agriculture','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-013','elderly',J(D(R,'各镇街道:townships','县委宣传部:propaganda','县卫生健康局:health','县科协:cast')),'',''),
 ('pingyin-017','cadres',J(D(R,'县委组织部:organization','县科协:cast')),'',''),
 ('pingyin-018','',J(D(R,'县人力资源社会保障局:hr_social_security','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-020','',J(D(R,'县委宣传部:propaganda','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-021','',J(D(R,'县委宣传部:propaganda','县科协:cast')),'','"一批" not counted'),
 ('pingyin-022','',J(D(R,'县委宣传部:propaganda','县融媒体中心:media_center','县科协:cast')),'',''),
 ('pingyin-025','',J(D(R,'县教体局:education','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-027','',J(D(R,'各镇街道:townships','县委宣传部:propaganda','县教体局:education','县卫生健康局:health','县应急局:emergency','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-028','',J(D(R,'各镇街道:townships','县委宣传部:propaganda','县教体局:education','县科技事业发展中心:science_tech','县科协:cast')),'',''),
 ('pingyin-029','',J(D(R,'县教体局:education','县文化和旅游局:culture_tourism','县卫生健康局:health','县应急局:emergency','县科技事业发展中心:science_tech','县科协:cast')),'10场|10|场','"五进" is a name'),
 ('pingyin-030','','','','safeguard; duties named in text (镇政府, 领导小组, 县科协) but no department list'),
 ('pingyin-031','','','','safeguard; no department list'),
 # chongqing
 ('chongqing-001','',J(AU),'','"四个意识"/"两个维护" are names'),
 ('chongqing-002','',J(AU),'','"两点""三个作用" are names'),
 ('chongqing-003','',J(AU),'',''),
 ('chongqing-004','',J(D(R,'市科协:cast','市经济信息委:industry_it')),'','list ends with 等; only the two named units coded'),
 ('chongqing-005','',J(AU),'',''),
 ('chongqing-006','',J(AU),'',''),
 ('chongqing-008','farmers',J(D(R,'市教委:education','市科技局:science_tech','市农业农村委:agriculture','团市委:youth_league','市妇联:women_federation','市科协:cast')),'','group from the action\'s own heading; "六个一" is a name'),
 ('chongqing-010','cadres',J(D(R,'市委组织部:organization','市人力社保局:hr_social_security','市科协:cast')),'','group from the action\'s own heading'),
 ('chongqing-011','',J(AU),'',''),
 ('chongqing-013','',J(AU),'','"三长" is a name'),
 ('chongqing-014','',J(AU),'',''),
 ('chongqing-016','',J(AU),'',''),
 ('chongqing-017','',J(D(R,'市委宣传部:propaganda','市科技局:science_tech','市总工会:trade_union','团市委:youth_league','市妇联:women_federation','市科协:cast')),'',''),
 ('chongqing-018','',J(D(R,'市科协:cast')),'','"三个一" name, "第三届" ordinal'),
 ('chongqing-019','',J(AU),'',''),
 # shenzhen
 ('shenzhen-002','youth',SZ1,'','departments from block 分工; "全覆盖" has no number'),
 ('shenzhen-003','youth',SZ1,'','departments from block 分工'),
 ('shenzhen-005','youth',SZ1,'','departments from block 分工; "一批" not counted'),
 ('shenzhen-007','workers',SZ2,'','departments from block 分工'),
 ('shenzhen-017','cadres',SZ4,'','departments from block 分工'),
 ('shenzhen-020','',SZ5,'','departments from block 分工'),
 ('shenzhen-022','',SZ5,'','departments from block 分工; "一批" not counted'),
 ('shenzhen-024','',SZ6,'','departments from block 分工'),
 ('shenzhen-025','',SZ6,'','departments from block 分工'),
 ('shenzhen-026','',SZ6,'','departments from block 分工'),
 ('shenzhen-030','',SZ7,'','departments from block 分工; "一批" not counted'),
 ('shenzhen-031','',SZ7,'','departments from block 分工'),
 ('shenzhen-032','',SZ8,'','departments from block 分工'),
 ('shenzhen-035','',SZ8,'','departments from block 分工; "一批" not counted'),
 ('shenzhen-043','','','','safeguard; duties in text (市政府, 市科协, 各区政府) but no department list; "十三五" is a name'),
 # inner mongolia (plan has no department lists)
 ('inner_mongolia-001','','','','no department list; in-text 办公室设在自治区科技厅 not coded as a list'),
 ('inner_mongolia-003','','','','no department list; "三下乡" name, "一大批" no number'),
 ('inner_mongolia-004','','','','no department list'),
 ('inner_mongolia-005','','','','no department list; "一批" not counted'),
 ('inner_mongolia-006','','','','no department list; "一支队伍" not counted as a quantified commitment'),
 ('inner_mongolia-009','youth','','','no department list'),
 ('inner_mongolia-010','farmers','','','no department list; 农牧民'),
 ('inner_mongolia-011','elderly','','','no department list'),
 ('inner_mongolia-012','workers','','','no department list'),
 ('inner_mongolia-013','cadres','','','no department list'),
 ('inner_mongolia-014','','','','no department list; years in plan titles not counted'),
 ('inner_mongolia-015','','','不少于10名|10|名;不少于15名|15|名','no department list; "常住人口30万以上" is a threshold, excluded'),
 ('inner_mongolia-016','','','','no department list'),
 ('inner_mongolia-018','','','','safeguard; no department list'),
 ('inner_mongolia-019','','','','safeguard; no department list'),
]
sample=[r['action_id'] for r in csv.DictReader(open('../packets/field_sample.csv',encoding='utf-8'))]
ids=[r[0] for r in rows]
assert len(ids)==len(set(ids)) and set(ids)==set(sample), set(ids)^set(sample)
order={a:i for i,a in enumerate(sample)}
rows.sort(key=lambda r: order[r[0]])
w=csv.writer(open('fields.csv','w',encoding='utf-8',newline=''))
w.writerow(['action_id','group','departments','commitments','note'])
w.writerows(rows)
print(len(rows),'rows ok')
