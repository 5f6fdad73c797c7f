# Transcribes field codes I assigned by reading each action (no automatic labelling).
import csv
def D(*items, role='responsible'):
    return ';'.join(f'{n}|{role}|{c}' for n,c in items)
def J(*parts): return ';'.join(p for p in parts if p)
# Shenzhen division-of-work lists (分工 lines), read from the plan
sz1 = J(D(('市教育局','education'),('市科协','cast'),('团市委','youth_league'),role='lead'),
        D(('市委宣传部','propaganda'),('市经贸信息委','industry_it'),('市科技创新委','science_tech'),('市规划国土委','natural_resources'),
          ('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市民政局','civil_affairs'),('市人力资源保障局','hr_social_security'),
          ('市文体旅游局','culture_tourism'),('市水务局','water'),('市城管局','urban_management'),('市安监局','emergency'),('市气象局','meteorology'),
          ('市妇联','women_federation'),role='cooperating'))
sz2 = J(D(('市人力资源保障局','hr_social_security'),('市总工会','trade_union'),('市科协','cast'),role='lead'),
        D(('市委组织部','organization'),('市委宣传部','propaganda'),('市经贸信息委','industry_it'),('市科技创新委','science_tech'),
          ('市市场和质量监管委','market_regulation'),('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市教育局','education'),
          ('市民政局','civil_affairs'),('市水务局','water'),('市城管局','urban_management'),('市安监局','emergency'),('团市委','youth_league'),
          ('市妇联','women_federation'),role='cooperating'))
sz4 = J(D(('市委组织部','organization'),('市人力资源保障局','hr_social_security'),('市科协','cast'),role='lead'),
        D(('市委宣传部','propaganda'),('市经贸信息委','industry_it'),('市科技创新委','science_tech'),('市规划国土委','natural_resources'),
          ('市市场和质量监管委','market_regulation'),('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市文体旅游局','culture_tourism'),
          ('团市委','youth_league'),('市妇联','women_federation'),role='cooperating'))
sz5 = J(D(('市教育局','education'),('市人力资源保障局','hr_social_security'),role='lead'),
        D(('市委宣传部','propaganda'),('市经贸信息委','industry_it'),('市科技创新委','science_tech'),('市规划国土委','natural_resources'),
          ('市文体旅游局','culture_tourism'),('市气象局','meteorology'),('市总工会','trade_union'),('团市委','youth_league'),('市妇联','women_federation'),
          ('市科协','cast'),role='cooperating'))
sz6 = J(D(('市科协','cast'),('市委宣传部','propaganda'),role='lead'),
        D(('市经贸信息委','industry_it'),('市科技创新委','science_tech'),('市规划国土委','natural_resources'),('市市场和质量监管委','market_regulation'),
          ('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市教育局','education'),('市民政局','civil_affairs'),
          ('市文体旅游局','culture_tourism'),('市城管局','urban_management'),('市气象局','meteorology'),('市总工会','trade_union'),('团市委','youth_league'),role='cooperating'))
sz7 = J(D(('市科协','cast'),('市发展改革委','development_reform'),('市科技创新委','science_tech'),role='lead'),
        D(('市委宣传部','propaganda'),('市经贸信息委','industry_it'),('市财政委','finance'),('市规划国土委','natural_resources'),
          ('市市场和质量监管委','market_regulation'),('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市教育局','education'),
          ('市民政局','civil_affairs'),('市人力资源保障局','hr_social_security'),('市文体旅游局','culture_tourism'),('市城管局','urban_management'),
          ('市气象局','meteorology'),('市总工会','trade_union'),('团市委','youth_league'),('市妇联','women_federation'),role='cooperating'))
sz8 = J(D(('市科技创新委','science_tech'),('市科协','cast'),role='lead'),
        D(('市发展改革委','development_reform'),('市经贸信息委','industry_it'),('市财政委','finance'),('市规划国土委','natural_resources'),
          ('市人居环境委','ecology_environment'),('市卫生计生委','health'),('市教育局','education'),('市人力资源保障局','hr_social_security'),
          ('市文体旅游局','culture_tourism'),('市安监局','emergency'),('市气象局','meteorology'),('市总工会','trade_union'),('团市委','youth_league'),
          ('市妇联','women_federation'),role='cooperating'))
CQALL = D(('各责任单位','all_units'))
ZG='芝罘规划管理办公室'
rows = [
 # zhifu
 ('zhifu-005','youth',D(('区科协','cast'),('区教体局','education')),'','"每年有计划…培训" has no number'),
 ('zhifu-007','farmers',D(('区科协','cast'),('区农业农村局','agriculture')),'',''),
 ('zhifu-009','workers',D(('区委宣传部','propaganda'),('区总工会','trade_union'),('团区委','youth_league'),('区妇联','women_federation'),('区科协','cast')),'',''),
 ('zhifu-011','workers',D(('区总工会','trade_union'),('区应急局','emergency')),'',''),
 ('zhifu-014','elderly',D(('区委老干部局','veteran_cadres'),('区科协','cast'),('区民政局','civil_affairs'),('区卫健局','health'),('区市场监管局','market_regulation'),('区体育中心','sports')),'',''),
 ('zhifu-015','elderly',D(('区委老干部局','veteran_cadres'),('区科协','cast'),('区民政局','civil_affairs'),('区卫健局','health')),'',''),
 ('zhifu-016','cadres',D(('区委组织部','organization'),('区科协','cast')),'',''),
 ('zhifu-018','cadres',D(('区委组织部','organization')),'',''),
 ('zhifu-020','',D(('区科协','cast'),('区发改局','development_reform'),('区科技局','science_tech')),'',''),
 ('zhifu-021','',D(('区委宣传部','propaganda'),('区科协','cast'),('区科技局','science_tech')),'',''),
 ('zhifu-022','',D(('区委宣传部','propaganda'),('区科协','cast'),('区科技局','science_tech')),'','"一批" not a number'),
 ('zhifu-024','',D(('区科协','cast'),('区教体局','education'),('区工信局','industry_it')),'90%以上|90|%',''),
 ('zhifu-025','',D(('区科协','cast'),('区发改局','development_reform'),('区财政局','finance'),(ZG,'natural_resources')),'','芝罘规划管理办公室 coded natural_resources (planning authority)'),
 ('zhifu-026','',D(('区科协','cast'),('区发改局','development_reform'),('区科技局','science_tech'),('区财政局','finance'),('区文旅局','culture_tourism'),('区应急管理局','emergency'),('区投促中心','investment_promotion'),(ZG,'natural_resources')),'','芝罘规划管理办公室 coded natural_resources'),
 ('zhifu-030','',D(('区科协','cast'),('区教体局','education'),('区科技局','science_tech'),('区文旅局','culture_tourism'),('区卫健局','health'),('区应急管理局','emergency'),('区市场监管局','market_regulation')),'',''),
 # pingyin
 ('pingyin-001','youth',D(('县委宣传部','propaganda'),('县教体局','education'),('团县委','youth_league'),('县科技事业发展中心','science_tech'),('县科协','cast')),'','县科技事业发展中心 coded science_tech'),
 ('pingyin-006','farmers',D(('各镇街道','townships'),('县委宣传部','propaganda'),('县农业农村局','agriculture'),('县文化和旅游局','culture_tourism'),('县卫生健康局','health'),('县应急局','emergency'),('县科技事业发展中心','science_tech'),('县科协','cast')),'','"三下乡" is a name'),
 ('pingyin-008','farmers',D(('县教体局','education'),('县农业农村局','agriculture'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-013','elderly',D(('各镇街道','townships'),('县委宣传部','propaganda'),('县卫生健康局','health'),('县科协','cast')),'',''),
 ('pingyin-017','cadres',D(('县委组织部','organization'),('县科协','cast')),'',''),
 ('pingyin-018','',D(('县人力资源社会保障局','hr_social_security'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-020','',D(('县委宣传部','propaganda'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-021','',D(('县委宣传部','propaganda'),('县科协','cast')),'',''),
 ('pingyin-022','',D(('县委宣传部','propaganda'),('县融媒体中心','media_center'),('县科协','cast')),'',''),
 ('pingyin-025','',D(('县教体局','education'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-027','',D(('各镇街道','townships'),('县委宣传部','propaganda'),('县教体局','education'),('县卫生健康局','health'),('县应急局','emergency'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-028','',D(('各镇街道','townships'),('县委宣传部','propaganda'),('县教体局','education'),('县科技事业发展中心','science_tech'),('县科协','cast')),'',''),
 ('pingyin-029','',D(('县教体局','education'),('县文化和旅游局','culture_tourism'),('县卫生健康局','health'),('县应急局','emergency'),('县科技事业发展中心','science_tech'),('县科协','cast')),'10场|10|场','"五进" is a name'),
 ('pingyin-030','','','','safeguard; no department list (roles described in text only)'),
 ('pingyin-031','','','','safeguard; no department list'),
 # chongqing
 ('chongqing-001','',CQALL,'','"四个意识""两个维护" are names'),
 ('chongqing-002','',CQALL,'','"两点""两地""三个作用" are names'),
 ('chongqing-003','',CQALL,'',''),
 ('chongqing-004','',D(('市科协','cast'),('市经济信息委','industry_it')),'','list ends with 等; only named units recorded'),
 ('chongqing-005','',CQALL,'',''),
 ('chongqing-006','',CQALL,'','"三下乡" is a name'),
 ('chongqing-008','farmers',D(('市教委','education'),('市科技局','science_tech'),('市农业农村委','agriculture'),('团市委','youth_league'),('市妇联','women_federation'),('市科协','cast')),'','group from own numbered heading; "六个一" is a name'),
 ('chongqing-010','cadres',D(('市委组织部','organization'),('市人力社保局','hr_social_security'),('市科协','cast')),'','group from own numbered heading'),
 ('chongqing-011','',CQALL,'',''),
 ('chongqing-013','',CQALL,'','"三长" is a name'),
 ('chongqing-014','',CQALL,'',''),
 ('chongqing-016','',CQALL,'',''),
 ('chongqing-017','',D(('市委宣传部','propaganda'),('市科技局','science_tech'),('市总工会','trade_union'),('团市委','youth_league'),('市妇联','women_federation'),('市科协','cast')),'',''),
 ('chongqing-018','',D(('市科协','cast')),'','"第三届" ordinal; "三个一" name'),
 ('chongqing-019','',CQALL,'',''),
 # shenzhen
 ('shenzhen-002','youth',sz1,'','departments from 分工 of block (一); "全覆盖" not a number'),
 ('shenzhen-003','youth',sz1,'','departments from 分工 of block (一)'),
 ('shenzhen-005','youth',sz1,'','departments from 分工 of block (一)'),
 ('shenzhen-007','workers',sz2,'','城市劳动者 = workers; departments from 分工 of block (二)'),
 ('shenzhen-017','cadres',sz4,'','departments from 分工 of block (四)'),
 ('shenzhen-020','',sz5,'','departments from 分工 of block (五)'),
 ('shenzhen-022','',sz5,'','departments from 分工 of block (五); "一批" not a number'),
 ('shenzhen-024','',sz6,'','departments from 分工 of block (六)'),
 ('shenzhen-025','',sz6,'','departments from 分工 of block (六)'),
 ('shenzhen-026','',sz6,'','departments from 分工 of block (六)'),
 ('shenzhen-030','',sz7,'','departments from 分工 of block (七)'),
 ('shenzhen-031','',sz7,'','departments from 分工 of block (七)'),
 ('shenzhen-032','',sz8,'','departments from 分工 of block (八)'),
 ('shenzhen-035','',sz8,'','departments from 分工 of block (八)'),
 ('shenzhen-043','','','','safeguard; roles (市政府, 市科协, 各区政府) only described in text, no department list'),
 # inner mongolia
 ('inner_mongolia-001','','','','no department list; 自治区科技厅 named only in text'),
 ('inner_mongolia-003','','','','"三下乡" name'),
 ('inner_mongolia-004','','','',''),
 ('inner_mongolia-005','','','',''),
 ('inner_mongolia-006','','','',''),
 ('inner_mongolia-009','youth','','',''),
 ('inner_mongolia-010','farmers','','',''),
 ('inner_mongolia-011','elderly','','',''),
 ('inner_mongolia-012','workers','','',''),
 ('inner_mongolia-013','cadres','','',''),
 ('inner_mongolia-014','','','',''),
 ('inner_mongolia-015','','','不少于10名|10|名;不少于15名|15|名','"常住人口30万以上" is a threshold, not coded'),
 ('inner_mongolia-016','','','',''),
 ('inner_mongolia-018','','','',''),
 ('inner_mongolia-019','','','',''),
]
with open('../packets/field_sample.csv',encoding='utf-8') as f:
    ids=[r['action_id'] for r in csv.DictReader(f)]
mine=[r[0] for r in rows]
assert sorted(ids)==sorted(mine) and len(set(mine))==75, set(ids)^set(mine)
order={a:i for i,a in enumerate(ids)}
rows.sort(key=lambda r: order[r[0]])
with open('fields.csv','w',encoding='utf-8',newline='') as f:
    w=csv.writer(f); w.writerow(['action_id','group','departments','commitments','note']); w.writerows(rows)
print(len(rows))
